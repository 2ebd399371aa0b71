import { Module } from '@nestjs/common';
import { AccountLifecycleService } from './account-lifecycle.service';
import { DriftRepairService } from './drift-repair.service';
import { AccountLinkRepository, AccountLinkScanRepository } from './account-link.repository';
import { ProvisioningService } from './provisioning/provisioning.service';
import { ProvisioningSteps } from './provisioning/provisioning.steps';
import { StoreChatwootController } from './store-chatwoot.controller';
import { StoreChatwootService } from './store-chatwoot.service';
import { StoreDirectory } from './store-directory.service';
import { StoreLeaseRepository } from './store-lease.repository';
import { StoreLock } from './store-lock.service';
import { StoreRepository } from './store.repository';
import { StoreStatusParts } from './store-status-parts';
import { StoresController } from './stores.controller';
import { StoresService } from './stores.service';
import { TokenRotationService } from './token-rotation.service';
import { WebhookTargetCheck } from './webhook-target';

@Module({
  controllers: [StoresController, StoreChatwootController],
  providers: [
    StoreRepository,
    AccountLinkRepository,
    AccountLinkScanRepository,
    StoreDirectory,
    StoreLeaseRepository,
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
