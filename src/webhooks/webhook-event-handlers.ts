import { Injectable } from '@nestjs/common';
import { StoreDirectory } from '../accounts/store-directory.service';
import { isChatwootEvent, type ChatwootEvent } from '../chatwoot/webhook-events';
import {
  asObject,
  contactRef,
  isActivityNoise,
  parseConversation,
  parseMessage,
  PayloadError,
  recordedStatusChange,
  toDate,
  type ConversationSnapshot,
  type MessageFacts,
} from './chatwoot-payload';
import { ConversationApplier } from './conversation-applier.service';
import { ConversationRepository } from './conversation.repository';
import { DeliveryContext } from './delivery-context';
import type { RecordedStatusChange } from './status-history';
import { CustomerDirectoryService } from '../contacts/customer-directory.service';
import { WidgetEventRepository } from './widget-event.repository';

export type Outcome = { state: 'processed' | 'ignored'; note: string | null };

/** What a conversation-bearing delivery says: the snapshot, the message (message events) and a recorded status change. */
export interface ConversationChange {
  snapshot: ConversationSnapshot;
  message: MessageFacts | null;
  statusChange: RecordedStatusChange | null;
}

const CONVERSATION_EVENTS = new Set<string>(['conversation_created', 'conversation_status_changed', 'conversation_updated']);
const MESSAGE_EVENTS = new Set<string>(['message_created', 'message_updated']);

type Handler = (ctx: DeliveryContext, payload: Record<string, unknown>, event: ChatwootEvent) => Promise<Outcome>;

const PROCESSED: Outcome = { state: 'processed', note: null };

/**
 * One handler per Chatwoot event. The map is total over Chatwoot's event list, so a new event in
 * that list does not compile until it is given a handler (or explicitly ignored).
 */
@Injectable()
export class WebhookEventHandlers {
  private readonly handlers: Record<ChatwootEvent, Handler> = {
    conversation_created: (ctx, payload, event) => this.conversation(ctx, payload, event),
    conversation_status_changed: (ctx, payload, event) => this.conversation(ctx, payload, event),
    conversation_updated: (ctx, payload, event) => this.conversation(ctx, payload, event),
    message_created: (ctx, payload, event) => this.message(ctx, payload, event),
    message_updated: (ctx, payload, event) => this.message(ctx, payload, event),
    contact_created: (ctx, payload, event) => this.contact(ctx, payload, event),
    contact_updated: (ctx, payload, event) => this.contact(ctx, payload, event),
    webwidget_triggered: (ctx, payload) => this.widget(ctx, payload),
    inbox_created: unused,
    inbox_updated: unused,
    conversation_typing_on: unused,
    conversation_typing_off: unused,
  };

  constructor(
    private readonly stores: StoreDirectory,
    private readonly applier: ConversationApplier,
    private readonly conversations: ConversationRepository,
    private readonly widgetEvents: WidgetEventRepository,
    private readonly customers: CustomerDirectoryService,
  ) {}

  /** Applies one delivery; the same delivery applied twice changes nothing the second time. */
  async handle(storeId: string, event: string, body: string): Promise<Outcome> {
    let payload: Record<string, unknown>;
    try {
      payload = asObject(JSON.parse(body));
    } catch {
      throw new PayloadError('stored body is not JSON');
    }
    if (!isChatwootEvent(event)) return { state: 'ignored', note: 'unknown event' };
    // The store is looked up once per delivery; every handler gets it (and its resolved settings) from here.
    return this.handlers[event](await this.contextFor(storeId), payload, event);
  }

  async contextFor(storeId: string): Promise<DeliveryContext> {
    return new DeliveryContext(storeId, await this.stores.find(storeId));
  }

  /**
   * A stored conversation or message delivery as the set-based drain applies it; null for any
   * other event and for a body that does not parse (the per-delivery path fails those on its own).
   */
  conversationChange(event: string, body: string): ConversationChange | null {
    if (!CONVERSATION_EVENTS.has(event) && !MESSAGE_EVENTS.has(event)) return null;
    try {
      const payload = asObject(JSON.parse(body));
      return CONVERSATION_EVENTS.has(event) ? conversationEvent(payload, event) : messageEvent(payload);
    } catch {
      return null;
    }
  }

  private async conversation(ctx: DeliveryContext, payload: Record<string, unknown>, event: ChatwootEvent): Promise<Outcome> {
    const { snapshot, message, statusChange } = conversationEvent(payload, event);
    await this.applier.apply(ctx, event, snapshot, message, statusChange);
    return PROCESSED;
  }

  private async message(ctx: DeliveryContext, payload: Record<string, unknown>, event: ChatwootEvent): Promise<Outcome> {
    const { snapshot, message } = messageEvent(payload);
    await this.applier.apply(ctx, event, snapshot, message);
    return PROCESSED;
  }

  private async contact(ctx: DeliveryContext, payload: Record<string, unknown>, event: ChatwootEvent): Promise<Outcome> {
    const { storeId } = ctx;
    const contact = contactRef(payload);
    if (contact.contactId === null) throw new PayloadError('contact payload has no id');
    if (event === 'contact_updated') {
      if (isActivityNoise(payload.changed_attributes)) return { state: 'ignored', note: 'activity timestamps only' };
      if (await this.customers.isEcho(storeId, contact.contactId, contact.customAttributes)) {
        return { state: 'ignored', note: 'echo of our own attribute write' };
      }
    }
    const customerId = await this.customers.linkContact(storeId, contact);
    if (!customerId) return { state: 'processed', note: 'contact not linked to a customer' };
    await this.conversations.forStore(storeId).linkContactCustomer(contact.contactId, customerId);
    if (ctx.firstSyncOf(customerId)) await this.customers.requestSync(storeId, customerId, 'realtime');
    return PROCESSED;
  }

  private async widget(ctx: DeliveryContext, payload: Record<string, unknown>): Promise<Outcome> {
    const contact = contactRef(payload.contact);
    const customerId = contact.contactId !== null ? await this.customers.linkContact(ctx.storeId, contact) : null;
    const info = asObject(payload.event_info);
    const current = payload.current_conversation ? parseConversation(payload.current_conversation) : null;
    const occurredAt = toDate(asObject(info.initiated_at).timestamp) ?? new Date();
    await this.widgetEvents.forStore(ctx.storeId).record({
      // Widget opens have no id of their own: contact inbox + initiation time identify one.
      key: `widget:${payload.id ?? 'x'}:${occurredAt.getTime()}`,
      contactId: contact.contactId,
      customerId,
      sourceId: typeof payload.source_id === 'string' ? payload.source_id : null,
      displayId: current?.displayId ?? null,
      referer: typeof info.referer === 'string' ? info.referer : null,
      browser: asObject(info.browser),
      occurredAt,
    });
    return PROCESSED;
  }
}

function conversationEvent(payload: Record<string, unknown>, event: string): ConversationChange {
  // conversation_updated: the payload shows the state when Chatwoot's job ran; changed_attributes the change itself.
  const statusChange = event === 'conversation_updated' ? recordedStatusChange(payload.changed_attributes) : null;
  return { snapshot: parseConversation(payload), message: null, statusChange };
}

function messageEvent(payload: Record<string, unknown>): ConversationChange {
  const message = parseMessage(payload);
  if (!payload.conversation) throw new PayloadError(`message ${message.messageId} has no conversation`);
  return { snapshot: parseConversation(payload.conversation), message, statusChange: null };
}

function unused(): Promise<Outcome> {
  return Promise.resolve({ state: 'ignored', note: 'event not used' });
}
