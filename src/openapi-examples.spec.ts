import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { StoreBrandingDto } from './accounts/dto/store-branding.dto';
import { StoreSettingsDto } from './accounts/dto/store-settings.dto';
import { UpsertStoreDto } from './accounts/dto/upsert-store.dto';
import { MergeContactsDto } from './contacts/dto/merge-contacts.dto';
import { UpsertCartDto } from './contacts/dto/upsert-cart.dto';
import { UpsertCustomerDto } from './contacts/dto/upsert-customer.dto';
import { UpsertOrderDto } from './contacts/dto/upsert-order.dto';
import { UpsertProductDto } from './contacts/dto/upsert-product.dto';
import { CreateDiscountCodeDto } from './context/dto/create-discount-code.dto';
import { EscalateDto } from './context/dto/escalate.dto';
import { REQUEST_EXAMPLES } from './openapi-examples';
import { CreateOrderActionDto } from './order-actions/dto/order-action.dto';
import { CreateAttributionDto } from './tracking/dto/attribution.dto';
import { TrackingBatchDto } from './tracking/dto/tracking-batch.dto';

const DTOS: Record<string, new () => any> = {
  UpsertStoreDto,
  StoreSettingsDto,
  StoreBrandingDto,
  UpsertCustomerDto,
  UpsertOrderDto,
  UpsertCartDto,
  UpsertProductDto,
  MergeContactsDto,
  CreateAttributionDto,
  CreateDiscountCodeDto,
  EscalateDto,
  CreateOrderActionDto,
  TrackingBatchDto,
};

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.entries(error.constraints ?? {})
      // Tracking events must be recent: a documented batch cannot stay recent.
      .filter(([name]) => name !== 'isRecentInstant')
      .map(([, message]) => `${prefix}${error.property}: ${message}`),
    ...flatten(error.children ?? [], `${prefix}${error.property}.`),
  ]);
}

describe('OpenAPI request examples', () => {
  it.each(Object.keys(REQUEST_EXAMPLES))('%s passes the validation the API applies', (name) => {
    const dto = DTOS[name];
    expect(dto, `no DTO class for example ${name}`).toBeDefined();
    const instance = plainToInstance(dto, REQUEST_EXAMPLES[name]);
    expect(flatten(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }))).toEqual([]);
  });
});
