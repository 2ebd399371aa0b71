import { Injectable } from '@nestjs/common';
import { WidgetEventRepository, type WidgetOpenRow } from './widget-event.repository';

export interface WidgetOpen {
  contactId: number | null;
  customerId: string | null;
  sourceId: string | null;
  displayId: number | null;
  referer: string | null;
  occurredAt: string;
}

/** Widget opens (`webwidget_triggered`) for the tracking module. */
@Injectable()
export class WidgetActivityService {
  constructor(private readonly events: WidgetEventRepository) {}

  async forCustomer(storeId: string, customerId: string, since?: Date, limit = 50): Promise<WidgetOpen[]> {
    const rows = await this.events.forStore(storeId).recent({ customerId }, since, limit);
    return rows.map(toView);
  }

  async forContact(storeId: string, contactId: number, since?: Date, limit = 50): Promise<WidgetOpen[]> {
    const rows = await this.events.forStore(storeId).recent({ contactId }, since, limit);
    return rows.map(toView);
  }
}

function toView(e: WidgetOpenRow): WidgetOpen {
  return {
    contactId: e.contactId,
    customerId: e.customerId,
    sourceId: e.sourceId,
    displayId: e.displayId,
    referer: e.referer,
    occurredAt: e.occurredAt.toISOString(),
  };
}
