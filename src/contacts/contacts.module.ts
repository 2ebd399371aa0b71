import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CatalogController } from './catalog.controller';
import { ContactLinkRepository } from './contact-link.repository';
import { ContactLinkService } from './contact-link.service';
import { ContactMergeRepository } from './contact-merge.repository';
import { ContactMergeService } from './contact-merge.service';
import { ContactsStoreDataRepository } from './contacts-store-data.repository';
import { PlatformIngestRateGuard } from './platform-ingest-rate.guard';
import { ContactSyncController } from './contact-sync.controller';
import { ContactSyncScheduler } from './contact-sync.scheduler';
import { ContactSyncService } from './contact-sync.service';
import { CustomerBasisRepository } from './customer-basis.repository';
import { CustomerDataService } from './customer-data.service';
import { CustomerDirectoryRepository } from './customer-directory.repository';
import { CustomerDirectoryService } from './customer-directory.service';
import { CustomerErasureRepository } from './customer-erasure.repository';
import { CustomerErasureService } from './customer-erasure.service';
import { CustomerImportService } from './customer-import.service';
import { CustomerIngestionService } from './customer-ingestion.service';
import { CustomersController } from './customers.controller';
import { CustomersRepository } from './customers.repository';
import { ImportController } from './import.controller';
import { OrderShipmentsRepository } from './order-shipments.repository';
import { OrdersRepository } from './orders.repository';
import { ProductPairsRepository } from './product-pairs.repository';
import { ProductsRepository } from './products.repository';
import { SyncRunLeaseRepository, SyncRunRepository, SyncScheduleScanRepository } from './sync-run.repository';
import { SyncRunService } from './sync-run.service';
import { WidgetIdentityService } from './widget-identity.service';

/**
 * Platform customers, orders, carts and products; their Chatwoot contacts and attributes.
 * Other modules use CustomerDataService (reads) and CustomerDirectoryService (webhook-side
 * linking, tiers and sync requests, for one contact or a whole drain batch).
 */
@Module({
  imports: [AccountsModule],
  controllers: [CustomersController, CatalogController, ContactSyncController, ImportController],
  providers: [
    CustomerBasisRepository,
    CustomersRepository,
    OrdersRepository,
    ProductsRepository,
    ProductPairsRepository,
    ContactLinkRepository,
    ContactMergeRepository,
    CustomerErasureRepository,
    ContactsStoreDataRepository,
    SyncRunRepository,
    SyncRunLeaseRepository,
    SyncScheduleScanRepository,
    OrderShipmentsRepository,
    ContactSyncService,
    ContactLinkService,
    CustomerDataService,
    CustomerIngestionService,
    CustomerImportService,
    CustomerErasureService,
    ContactMergeService,
    SyncRunService,
    ContactSyncScheduler,
    PlatformIngestRateGuard,
    WidgetIdentityService,
    CustomerDirectoryRepository,
    CustomerDirectoryService,
  ],
  exports: [CustomerDataService, SyncRunService, CustomerDirectoryService],
})
export class ContactsModule {}
