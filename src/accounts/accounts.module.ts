import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountLifecycleService } from './account-lifecycle.service';
import { DriftRepairService } from './drift-repair.service';
import { ChatwootAccountLink } from './entities/chatwoot-account-link.entity';
import { Store } from './entities/store.entity';
import { ProvisioningService } from './provisioning/provisioning.service';
import { ProvisioningSteps } from './provisioning/provisioning.steps';
import { StoreChatwootController } from './store-chatwoot.controller';
import { StoreChatwootService } from './store-chatwoot.service';
import { StoreDirectory } from './store-directory.service';
import { StoreLock } from './store-lock.service';
import { StoreStatusParts } from './store-status-parts';
import { StoresController } from './stores.controller';
import { StoresService } from './stores.service';
import { TokenRotationService } from './token-rotation.service';
import { WebhookTargetCheck } from './webhook-target';

@Module({
  imports: [TypeOrmModule.forFeature([Store, ChatwootAccountLink])],
  controllers: [StoresController, StoreChatwootController],
  providers: [
    StoreDirectory,
    StoreLock,
    ProvisioningSteps,
    ProvisioningService,
    AccountLifecycleService,
    TokenRotationService,
    DriftRepairService,
    StoresService,
    StoreChatwootService,
    WebhookTargetCheck,
    StoreStatusParts,
  ],
  exports: [StoreDirectory, StoreStatusParts],
})
export class AccountsModule {}
