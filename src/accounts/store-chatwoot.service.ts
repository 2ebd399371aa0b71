import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { AccountLifecycleService } from './account-lifecycle.service';
import { DriftRepairService } from './drift-repair.service';
import type { StoreBrandingDto } from './dto/store-branding.dto';
import type {
  DefaultsResultDto,
  RepairResultDto,
  StoreResponseDto,
  TokenRotationDto,
  TokenValidationDto,
} from './dto/store-response.dto';
import { ProvisioningService } from './provisioning/provisioning.service';
import { StoreRepository } from './store.repository';
import { StoreLock } from './store-lock.service';
import { toChatwootResponse } from './store-response.mapper';
import { assertStoreId, StoresService } from './stores.service';
import { TokenRotationService } from './token-rotation.service';

/** The `/v1/stores/:storeId/chatwoot/...` operations, each answering with what the platform needs to see. */
@Injectable()
export class StoreChatwootService {
  constructor(
    private readonly stores: StoresService,
    private readonly storeRows: StoreRepository,
    private readonly lifecycle: AccountLifecycleService,
    private readonly provisioning: ProvisioningService,
    private readonly tokens: TokenRotationService,
    private readonly drift: DriftRepairService,
    private readonly lock: StoreLock,
  ) {}

  async suspend(storeId: string): Promise<StoreResponseDto> {
    assertStoreId(storeId);
    await this.lifecycle.setStatus(storeId, 'suspended');
    return this.stores.get(storeId);
  }

  async reactivate(storeId: string): Promise<StoreResponseDto> {
    assertStoreId(storeId);
    await this.lifecycle.setStatus(storeId, 'active');
    return this.stores.get(storeId);
  }

  async branding(storeId: string, dto: StoreBrandingDto): Promise<StoreResponseDto> {
    assertStoreId(storeId);
    await this.lifecycle.setBranding(storeId, JSON.parse(JSON.stringify(dto)) as StoreBrandingDto);
    return this.stores.get(storeId);
  }

  rotateTokens(storeId: string): Promise<TokenRotationDto> {
    assertStoreId(storeId);
    return this.tokens.rotate(storeId);
  }

  validateTokens(storeId: string): Promise<TokenValidationDto> {
    assertStoreId(storeId);
    return this.tokens.validate(storeId);
  }

  repair(storeId: string): Promise<RepairResultDto> {
    assertStoreId(storeId);
    return this.drift.repair(storeId, 'realtime');
  }

  /** Re-creates whatever default object is missing in the account (inbox, teams, labels, webhook, dashboard app...). */
  async ensureDefaults(storeId: string): Promise<DefaultsResultDto> {
    assertStoreId(storeId);
    return this.lock.withStoreLock(storeId, 'ensure-defaults', async () => {
      const loaded = await this.storeRows.forStore(storeId).withLink();
      if (!loaded) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
      const { store, link } = loaded;
      if (link.state !== 'active') {
        throw new ConflictError(`Store ${storeId} has no active Chatwoot account (state: ${link.state})`, 'STORE_NOT_READY');
      }
      const outcome = await this.provisioning.ensureAccountContent(store, link, 'realtime');
      return { storeId, changes: outcome.changes, chatwoot: toChatwootResponse(link) };
    });
  }
}
