import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { StoreDirectory } from '../accounts/store-directory.service';
import { NotFoundError } from '../common/errors/domain-error';
import { MetricsService } from '../observability/metrics.service';
import { CustomerDataService } from './customer-data.service';
import type { WidgetIdentityDto } from './dto/widget-identity.dto';

/**
 * Chatwoot's identity validation (`app/controllers/api/v1/widget/contacts_controller.rb#valid_hmac?`):
 * `identifier_hash = hex(HMAC-SHA256(key: inbox hmac_token, message: identifier))`. Inboxes are
 * provisioned with `hmac_mandatory`, so a signed-in visitor's `setUser` must carry it. The
 * identifier is the customer id, as on the contacts this service syncs.
 */
export function identifierHash(hmacToken: string, identifier: string): string {
  return createHmac('sha256', hmacToken).update(identifier).digest('hex');
}

@Injectable()
export class WidgetIdentityService {
  private readonly issued;

  constructor(
    private readonly directory: StoreDirectory,
    private readonly customers: CustomerDataService,
    metrics: MetricsService,
  ) {
    this.issued = metrics.counter(
      'widget_identities_issued_total',
      'Widget identities (identifier hashes) handed to the platform',
    );
  }

  async forCustomer(storeId: string, customerId: string): Promise<WidgetIdentityDto> {
    await this.directory.get(storeId);
    const customer = await this.customers.getCustomer(storeId, customerId);
    if (!customer) throw new NotFoundError(`Customer ${customerId}`, 'CUSTOMER_NOT_FOUND');
    const { websiteToken, hmacToken } = await this.directory.widgetCredentials(storeId);
    this.issued.inc();
    return {
      identifier: customer.customerId,
      identifierHash: identifierHash(hmacToken, customer.customerId),
      websiteToken,
      name: customer.name || null,
      email: customer.email || null,
    };
  }
}
