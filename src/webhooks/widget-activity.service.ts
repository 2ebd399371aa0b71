import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThanOrEqual, Repository } from 'typeorm';
import { WidgetEvent } from './entities/widget-event.entity';

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
  constructor(@InjectRepository(WidgetEvent) private readonly events: Repository<WidgetEvent>) {}

  async forCustomer(storeId: string, customerId: string, since?: Date, limit = 50): Promise<WidgetOpen[]> {
    const rows = await this.events.find({
      where: { storeId, customerId, ...(since ? { occurredAt: MoreThanOrEqual(since) } : {}) },
      order: { occurredAt: 'DESC' },
      take: limit,
    });
    return rows.map(toView);
  }

  async forContact(storeId: string, contactId: number, since?: Date, limit = 50): Promise<WidgetOpen[]> {
    const rows = await this.events.find({
      where: { storeId, contactId, ...(since ? { occurredAt: MoreThanOrEqual(since) } : {}) },
      order: { occurredAt: 'DESC' },
      take: limit,
    });
    return rows.map(toView);
  }
}

function toView(e: WidgetEvent): WidgetOpen {
  return {
    contactId: e.contactId,
    customerId: e.customerId,
    sourceId: e.sourceId,
    displayId: e.displayId,
    referer: e.referer,
    occurredAt: e.occurredAt.toISOString(),
  };
}
