import type { PropagateJob } from '../accounts/account-lifecycle.service';
import type { ProvisionJob } from '../accounts/provisioning/provisioning.service';
import type { SessionLinkedJob } from '../tracking/tracking-ingest.service';
import type { ConversationEffect } from '../webhooks/conversation-effects.planner';

/** The payload of a job that carries nothing (cron ticks, drains, scans). */
export type NoPayload = Record<string, never>;

/**
 * Every queue the service registers or sends to, with what its jobs carry. `JobQueue.register`,
 * `send` and `sendMany` take only these names, each with its own payload, so a misspelt queue or
 * a wrong payload is a compile error. A new queue is added here first.
 *
 * Queues fed by a domain event (`JobQueue.on`) are not listed: their payload is the event's
 * (see DomainEvents). Tests that need queues of their own add them by declaration merging:
 * `declare module '.../src/jobs/queues' { interface QueuePayloads { 'test.x': {...} } }`.
 */
export interface QueuePayloads {
  'accounts.provision': ProvisionJob;
  'accounts.propagate': PropagateJob;
  'accounts.delete': { storeId: string };
  'accounts.drift-scan': NoPayload;
  'accounts.drift-repair': { storeId: string };
  'contacts.sync': { storeId: string; customerId: string };
  'contacts.sync-batch': { runId: string };
  'contacts.schedule-scan': NoPayload;
  'contacts.sync-recover': NoPayload;
  'contacts.erase': { storeId: string; customerId: string };
  'notifications.deliver': { storeId: string; id: string };
  'order-actions.retry': { storeId: string; id: string };
  'tracking.session-linked': SessionLinkedJob;
  'tracking.purge': NoPayload;
  'webhooks.drain': NoPayload;
  'webhooks.process': { storeId: string; id: string };
  'webhooks.effects': ConversationEffect;
  'webhooks.reconcile-scan': NoPayload;
  'webhooks.reconcile': { storeId: string };
}

export type QueueName = keyof QueuePayloads;
