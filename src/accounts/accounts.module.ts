import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChatwootAccountLink } from './entities/chatwoot-account-link.entity';
import { Store } from './entities/store.entity';
import { StoreDirectory } from './store-directory.service';

@Module({
  imports: [TypeOrmModule.forFeature([Store, ChatwootAccountLink])],
  providers: [StoreDirectory],
  exports: [StoreDirectory],
})
export class AccountsModule {}
