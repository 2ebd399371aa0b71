/**
 * Public API of the fake Chatwoot server (test support + standalone demo).
 */
export { startFakeChatwoot } from './fake-chatwoot.server';
export type { EmitData, FakeChatwoot, FakeChatwootOptions, RequestFilter } from './fake-chatwoot.server';
export type { FakeFaults, FaultRule } from './fake-chatwoot.faults';
export { THROTTLED_BODY } from './fake-chatwoot.faults';
export { FakeChatwootState, ALLOWED_WEBHOOK_EVENTS, LOCALES } from './fake-chatwoot.state';
export type {
  AddMessageInput,
  CreateAgentInput,
  CreateConversationInput,
  SilentOption,
  WebhookSink,
} from './fake-chatwoot.state';
export { signWebhook, WEBHOOK_TIMEOUT_MS } from './fake-chatwoot.webhooks';
export type { DeliveryResult, SendWebhookOptions } from './fake-chatwoot.webhooks';
export {
  buildContactPayload,
  buildConversationPayload,
  buildInboxPayload,
  buildMessagePayload,
  buildTypingPayload,
  buildWebwidgetTriggeredPayload,
} from './fake-chatwoot.payloads';
export type { WebwidgetEventInfo } from './fake-chatwoot.payloads';
export type * from './fake-chatwoot.types';
