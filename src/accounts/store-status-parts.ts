import { Injectable } from '@nestjs/common';
import type { StoreWebhookIntakeDto } from './dto/store-response.dto';

type WebhookIntakeReader = (storeId: string) => Promise<StoreWebhookIntakeDto>;

/**
 * Parts of a store's status that other modules own (they depend on this module, not the other
 * way round): each registers its reader when it starts, and `GET /v1/stores/:id` asks them.
 */
@Injectable()
export class StoreStatusParts {
  private webhookIntake: WebhookIntakeReader | undefined;

  provideWebhookIntake(reader: WebhookIntakeReader): void {
    this.webhookIntake = reader;
  }

  async webhookIntakeOf(storeId: string): Promise<StoreWebhookIntakeDto | undefined> {
    return this.webhookIntake?.(storeId);
  }
}
