/**
 * The webhook events a Chatwoot account webhook may subscribe to, exactly as Chatwoot lists them
 * (app/models/webhook.rb, ALLOWED_WEBHOOK_EVENTS, v4.15.1): the one list intake, processing,
 * provisioning and the fake's checks share.
 */
export const CHATWOOT_EVENTS = [
  'conversation_status_changed',
  'conversation_updated',
  'conversation_created',
  'contact_created',
  'contact_updated',
  'message_created',
  'message_updated',
  'webwidget_triggered',
  'inbox_created',
  'inbox_updated',
  'conversation_typing_on',
  'conversation_typing_off',
] as const;

export type ChatwootEvent = (typeof CHATWOOT_EVENTS)[number];

const KNOWN = new Set<string>(CHATWOOT_EVENTS);

export function isChatwootEvent(event: string): event is ChatwootEvent {
  return KNOWN.has(event);
}

/** What the service subscribes each store's webhook to: the events it acts on. */
export const SUBSCRIBED_EVENTS = [
  'conversation_created',
  'conversation_status_changed',
  'conversation_updated',
  'message_created',
  'message_updated',
  'contact_created',
  'contact_updated',
  'webwidget_triggered',
] as const satisfies readonly ChatwootEvent[];

export type SubscribedEvent = (typeof SUBSCRIBED_EVENTS)[number];
