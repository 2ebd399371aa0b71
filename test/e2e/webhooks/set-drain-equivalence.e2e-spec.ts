import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainPerDelivery } from '../../../bench/support/per-delivery-drain';
import { JobQueue } from '../../../src/jobs/job-queue.service';
import { ConversationApplier } from '../../../src/webhooks/conversation-applier.service';
import { ConversationBatchRepository } from '../../../src/webhooks/conversation-batch.repository';
import { DeliveryQueueRepository } from '../../../src/webhooks/delivery-queue.repository';
import { WebhookDeliveryWorker } from '../../../src/webhooks/webhook-delivery.worker';
import { WebhookMetrics } from '../../../src/webhooks/webhook-metrics';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

const T0 = 1_790_000_000;

interface Contact {
  id: number;
  identifier?: string;
  email?: string;
  tier?: string;
}

interface ConversationState {
  status: string;
  updatedAt: number;
  assigneeId?: number;
  teamId?: number;
  priority?: string;
  labels?: string[];
  firstReplyAt?: number;
}

function conversation(accountId: number, displayId: number, contact: Contact, s: ConversationState): Record<string, unknown> {
  return {
    id: displayId,
    account: { id: accountId },
    inbox_id: 1,
    status: s.status,
    priority: s.priority ?? null,
    labels: s.labels ?? [],
    custom_attributes: {},
    meta: {
      sender: {
        id: contact.id,
        identifier: contact.identifier ?? null,
        email: contact.email ?? null,
        custom_attributes: contact.tier ? { customer_tier: contact.tier } : {},
        type: 'contact',
      },
      assignee: s.assigneeId ? { id: s.assigneeId } : null,
      assignee_type: s.assigneeId ? 'User' : null,
      team: s.teamId ? { id: s.teamId } : null,
    },
    created_at: T0,
    updated_at: s.updatedAt,
    last_activity_at: Math.floor(s.updatedAt),
    first_reply_created_at: s.firstReplyAt ?? null,
  };
}

interface MessageSpec {
  id: number;
  type: 'incoming' | 'outgoing' | 'template';
  at: number;
  human?: boolean;
  csat?: { rating: number; feedback: string | null };
}

function message(conv: Record<string, unknown> | null, contact: Contact, m: MessageSpec): Record<string, unknown> {
  return {
    id: m.id,
    message_type: m.type,
    private: false,
    content: m.csat ? 'Please rate us' : 'hello',
    content_type: m.csat ? 'input_csat' : 'text',
    content_attributes: m.csat
      ? { submitted_values: { csat_survey_response: { rating: m.csat.rating, feedback_message: m.csat.feedback } } }
      : {},
    additional_attributes: {},
    created_at: m.at,
    sender: m.human ? { id: 3, type: 'user' } : { id: contact.id, type: 'contact' },
    ...(conv ? { conversation: conv } : {}),
  };
}

function statusChange(from: string, to: string, at: number): unknown[] {
  return [{ status: { previous_value: from, current_value: to } }, { updated_at: { previous_value: at - 5, current_value: at } }];
}

type Delivery = { event: string; body: string };

/**
 * A mixed backlog: conversations created by their first event or by a message, duplicates
 * (the same message twice, in one batch and across batches), snapshots that arrive after newer
 * ones, assignment/priority changes, resolutions and reopens (some only visible in
 * changed_attributes), CSAT (low, repeated), a contact known to the platform by email, bad
 * payloads and events that are not about conversations.
 */
function backlog(accountId: number, round: 1 | 2): Delivery[] {
  const c1: Contact = { id: 501, identifier: 'cust-1', tier: 'Gold' };
  const c2: Contact = { id: 502, email: 'Real@Example.test ' };
  const c3: Contact = { id: 503, identifier: 'cust-3' };
  const c4: Contact = { id: 504, identifier: 'cust-4', tier: 'Silver' };
  const conv = (d: number, c: Contact, s: ConversationState) => conversation(accountId, d, c, s);
  const ev = (event: string, payload: Record<string, unknown>): Delivery => ({
    event,
    body: JSON.stringify({ event, ...payload }),
  });
  if (round === 1) {
    const dup = ev(
      'message_created',
      message(conv(1, c1, { status: 'open', updatedAt: T0 + 1 }), c1, { id: 1001, type: 'incoming', at: T0 + 1 }),
    );
    return [
      ev('conversation_created', conv(1, c1, { status: 'open', updatedAt: T0 })),
      dup,
      dup,
      ev(
        'message_created',
        message(conv(1, c1, { status: 'open', updatedAt: T0 + 5.25, firstReplyAt: T0 + 5 }), c1, {
          id: 1002,
          type: 'outgoing',
          at: T0 + 5,
          human: true,
        }),
      ),
      ev('conversation_updated', {
        ...conv(1, c1, { status: 'resolved', updatedAt: T0 + 10 }),
        changed_attributes: statusChange('open', 'resolved', T0 + 10),
      }),
      ev('conversation_status_changed', conv(1, c1, { status: 'resolved', updatedAt: T0 + 10 })),
      // Late: an older snapshot with a message of its own.
      ev(
        'message_created',
        message(conv(1, c1, { status: 'open', updatedAt: T0 + 2 }), c1, { id: 1003, type: 'incoming', at: T0 + 2 }),
      ),
      ev(
        'message_updated',
        message(conv(1, c1, { status: 'resolved', updatedAt: T0 + 11 }), c1, {
          id: 1004,
          type: 'template',
          at: T0 + 11,
          csat: { rating: 1, feedback: 'slow' },
        }),
      ),
      ev(
        'message_created',
        message(conv(2, c2, { status: 'pending', updatedAt: T0 + 3 }), c2, { id: 2001, type: 'incoming', at: T0 + 3 }),
      ),
      ev('conversation_updated', {
        ...conv(2, c2, { status: 'pending', updatedAt: T0 + 6, assigneeId: 7, teamId: 4, priority: 'high', labels: ['vip'] }),
        changed_attributes: [{ assignee_id: { previous_value: null, current_value: 7 } }],
      }),
      ev('conversation_updated', conv(2, c2, { status: 'pending', updatedAt: T0 + 4, assigneeId: 8 })),
      // The same CSAT answer delivered twice (two deliveries, one content): it counts once.
      ...Array.from({ length: 2 }, () =>
        ev(
          'message_updated',
          message(
            conv(2, c2, { status: 'pending', updatedAt: T0 + 7, assigneeId: 7, teamId: 4, priority: 'high', labels: ['vip'] }),
            c2,
            { id: 2002, type: 'template', at: T0 + 7, csat: { rating: 5, feedback: null } },
          ),
        ),
      ),
      ev('conversation_created', conv(3, c3, { status: 'open', updatedAt: T0 })),
      ev('conversation_updated', {
        ...conv(3, c3, { status: 'resolved', updatedAt: T0 + 8 }),
        changed_attributes: statusChange('open', 'resolved', T0 + 8),
      }),
      ev('conversation_updated', {
        ...conv(3, c3, { status: 'open', updatedAt: T0 + 9 }),
        changed_attributes: statusChange('resolved', 'open', T0 + 9),
      }),
      // A quick resolve and reopen that every payload shows as open.
      ev('conversation_updated', {
        ...conv(3, c3, { status: 'open', updatedAt: T0 + 13 }),
        changed_attributes: statusChange('open', 'resolved', T0 + 12),
      }),
      ev('conversation_updated', {
        ...conv(3, c3, { status: 'open', updatedAt: T0 + 13.5 }),
        changed_attributes: statusChange('resolved', 'open', T0 + 13),
      }),
      ev('message_created', message(null, c1, { id: 1999, type: 'incoming', at: T0 })),
      { event: 'message_created', body: '{not json' },
      ev('contact_updated', {
        id: 501,
        identifier: 'cust-1',
        changed_attributes: [{ name: { previous_value: 'a', current_value: 'b' } }],
      }),
      ev('inbox_created', { id: 9 }),
    ];
  }
  return [
    ev('conversation_updated', {
      ...conv(1, c1, { status: 'open', updatedAt: T0 + 30 }),
      changed_attributes: statusChange('resolved', 'open', T0 + 30),
    }),
    ev(
      'message_created',
      message(conv(1, c1, { status: 'open', updatedAt: T0 + 1 }), c1, { id: 1001, type: 'incoming', at: T0 + 1 }),
    ),
    ev('conversation_status_changed', conv(1, c1, { status: 'resolved', updatedAt: T0 + 10 })),
    ev('conversation_status_changed', conv(2, c2, { status: 'resolved', updatedAt: T0 + 20, assigneeId: 7 })),
    ev(
      'message_created',
      message(conv(2, c2, { status: 'pending', updatedAt: T0 + 2, firstReplyAt: T0 + 2 }), c2, {
        id: 2003,
        type: 'outgoing',
        at: T0 + 2,
        human: true,
      }),
    ),
    ev('conversation_created', conv(4, c4, { status: 'pending', updatedAt: T0 + 40 })),
    ev(
      'message_updated',
      message(conv(4, c4, { status: 'pending', updatedAt: T0 + 41 }), c4, {
        id: 4001,
        type: 'template',
        at: T0 + 41,
        csat: { rating: 2, feedback: 'meh' },
      }),
    ),
  ];
}

describe('set-based drain', () => {
  let t: TestApp;
  let db: DataSource;
  let perDelivery: SeededStore;
  let setBased: SeededStore;

  beforeAll(async () => {
    // Nothing consumes jobs: the effect jobs and announcements each path queued stay to be compared.
    t = await startTestApp({ env: { JOBS_ENABLED: 'false' } });
    db = t.get(DataSource);
    perDelivery = await seedStore(t);
    setBased = await seedStore(t);
    for (const store of [perDelivery, setBased]) {
      const put = await t.request('PUT', `/v1/stores/${store.storeId}/customers/cust-real`, {
        body: {
          email: 'real@example.test',
          name: 'Real',
          marketingConsent: false,
          registeredAt: '2024-01-15T10:00:00Z',
          updatedAt: new Date().toISOString(),
        },
      });
      expect(put.status).toBe(200);
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  async function store(s: SeededStore, round: 1 | 2): Promise<void> {
    await t.get(DeliveryQueueRepository).insertMany(
      backlog(s.accountId, round).map((d, i) => ({
        storeId: s.storeId,
        deliveryId: `r${round}-${i}`,
        event: d.event,
        accountId: s.accountId,
        signedAt: T0,
        body: d.body,
      })),
    );
  }

  async function processedByEvent(): Promise<Record<string, number>> {
    const { values } = await t.get(WebhookMetrics).conversations.get();
    return Object.fromEntries(values.map((v) => [String(v.labels.event), v.value]));
  }

  function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
    return Object.fromEntries(
      Object.entries(after)
        .map(([k, v]) => [k, v - (before[k] ?? 0)])
        .filter(([, v]) => v !== 0),
    );
  }

  async function snapshot(storeId: string) {
    const conversations = await db.query(
      `select display_id, contact_id, customer_id, customer_tier, inbox_id, status, priority, assignee_id, team_id,
              labels, created_at, last_event_at, last_activity_at, first_response_at, first_response_seconds, resolved_at,
              resolution_seconds, reopen_count, incoming_count, outgoing_count, csat_rating, csat_feedback, csat_at is not null as rated
         from conversations where store_id = $1 order by display_id`,
      [storeId],
    );
    const history = await db.query(
      `select display_id, changed_at, status, exact from conversation_status_changes where store_id = $1
        order by display_id, changed_at`,
      [storeId],
    );
    const messages = await db.query(
      `select message_id, display_id, message_type, private, sender_type, sender_id, created_at from conversation_messages
        where store_id = $1 order by message_id`,
      [storeId],
    );
    const deliveries = await db.query(
      `select delivery_id, state, last_error from webhook_deliveries where store_id = $1 order by delivery_id`,
      [storeId],
    );
    const jobs = (
      await db.query<{ name: string; data: Record<string, unknown>; priority: number }[]>(
        `select name, data, priority from pgboss.job where data->>'storeId' = $1`,
        [storeId],
      )
    )
      .map(({ name, data, priority }) => JSON.stringify({ name, priority, data: { ...data, storeId: undefined } }))
      .sort();
    return { conversations, history, messages, deliveries, jobs };
  }

  it('leaves the same rows, history, counters and queued effects as the per-delivery path, with no per-delivery transaction', async () => {
    const applier = t.get(ConversationApplier);
    const worker = t.get(WebhookDeliveryWorker);
    const metrics: Record<string, number>[] = [];
    for (const round of [1, 2] as const) {
      await store(perDelivery, round);
      let before = await processedByEvent();
      await drainPerDelivery(t, 1);
      metrics.push(delta(before, await processedByEvent()));

      await store(setBased, round);
      const apply = applier.apply.bind(applier);
      let applied = 0;
      applier.apply = (...args) => {
        applied++;
        return apply(...args);
      };
      before = await processedByEvent();
      try {
        expect(await worker.drain()).toBe(backlog(setBased.accountId, round).length);
      } finally {
        applier.apply = apply;
      }
      metrics.push(delta(before, await processedByEvent()));
      // Every conversation delivery went through the set path (the bad ones fail before any applier).
      expect(applied).toBe(0);
    }

    const expected = await snapshot(perDelivery.storeId);
    const actual = await snapshot(setBased.storeId);
    expect(actual.conversations).toEqual(expected.conversations);
    expect(actual.history).toEqual(expected.history);
    expect(actual.messages).toEqual(expected.messages);
    expect(actual.deliveries).toEqual(expected.deliveries);
    expect(actual.jobs).toEqual(expected.jobs);
    expect(metrics[1]).toEqual(metrics[0]);
    expect(metrics[3]).toEqual(metrics[2]);

    // And what both should be, so a mistake the two paths shared would show too.
    const [c1, c2, c3, c4] = expected.conversations;
    expect(c1).toMatchObject({ status: 'open', incoming_count: 2, outgoing_count: 1, reopen_count: 1, csat_rating: 1 });
    expect(c1.first_response_seconds).toBe(5);
    expect(c2).toMatchObject({ status: 'resolved', assignee_id: 7, priority: null, customer_id: 'cust-real', csat_rating: 5 });
    expect(c2.first_response_seconds).toBe(2);
    expect(c3).toMatchObject({ status: 'open', reopen_count: 2, customer_tier: null });
    expect(c4).toMatchObject({ status: 'pending', csat_rating: 2, customer_tier: 'Silver' });
    expect(expected.deliveries.filter((d: { state: string }) => d.state === 'failed')).toHaveLength(2);
    const effects = expected.jobs.filter((j) => j.includes('"webhooks.effects"'));
    expect(effects.map((j) => (JSON.parse(j) as { data: { kind: string } }).data.kind).sort()).toEqual([
      'low_csat',
      'low_csat',
      'opened',
      'opened',
      'opened',
      'opened',
      'resolved',
      'resolved',
      'resolved',
      'resolved',
    ]);
  });

  it('settles a batch one delivery at a time when its set transaction fails, so nothing is lost or applied twice', async () => {
    const fallback = await seedStore(t);
    await store(fallback, 1);
    const batch = t.get(ConversationBatchRepository);
    const applier = t.get(ConversationApplier);
    const insertMessages = batch.insertMessages.bind(batch);
    const apply = applier.apply.bind(applier);
    let applied = 0;
    const fallbacks = async () =>
      (await t.get(WebhookMetrics).drainBatches.get()).values.find((v) => v.labels.path === 'fallback')?.value ?? 0;
    const fallbacksBefore = await fallbacks();
    // Fails after the batch has written its conversations: the rollback must take those with it.
    batch.insertMessages = () => Promise.reject(new Error('ledger unavailable'));
    applier.apply = (...args) => {
      applied++;
      return apply(...args);
    };
    try {
      await t.get(WebhookDeliveryWorker).drain();
    } finally {
      batch.insertMessages = insertMessages;
      applier.apply = apply;
    }
    const { deliveries, conversations, jobs } = await snapshot(fallback.storeId);
    expect(applied).toBe(18);
    expect((await fallbacks()) - fallbacksBefore).toBe(1);
    expect(deliveries.filter((d: { state: string }) => d.state === 'failed')).toHaveLength(2);
    expect(deliveries.filter((d: { state: string }) => d.state === 'pending' || d.state === 'processing')).toHaveLength(0);
    expect(conversations.map((c: { incoming_count: number }) => c.incoming_count)).toEqual([2, 1, 0]);
    const kinds = jobs
      .filter((j) => j.includes('"webhooks.effects"'))
      .map((j) => (JSON.parse(j) as { data: { kind: string } }).data.kind)
      .sort();
    expect(kinds).toEqual(['low_csat', 'opened', 'opened', 'opened', 'resolved', 'resolved', 'resolved']);
  });

  it('queues the effects in the transaction that commits the state: a failure to queue them loses none', async () => {
    const outbox = await seedStore(t);
    await store(outbox, 1);
    const jobs = t.get(JobQueue);
    const sendMany = jobs.sendMany.bind(jobs);
    let refused = 0;
    // The first attempt to queue effects fails, as a full pool or a dropped connection would.
    jobs.sendMany = ((...args: Parameters<typeof sendMany>) => {
      if (args[0] === 'webhooks.effects' && refused === 0) {
        refused++;
        return Promise.reject(new Error('job insert failed'));
      }
      return sendMany(...args);
    }) as typeof jobs.sendMany;
    try {
      await t.get(WebhookDeliveryWorker).drain();
    } finally {
      jobs.sendMany = sendMany;
    }
    expect(refused).toBe(1);
    const { deliveries, conversations, jobs: queued } = await snapshot(outbox.storeId);
    // Had the state been committed before its effects were queued, re-applying it would plan none,
    // and the opened/resolved/low-CSAT effects of this batch would be gone for good.
    expect(deliveries.filter((d: { state: string }) => d.state === 'failed')).toHaveLength(2);
    expect(deliveries.filter((d: { state: string }) => d.state === 'pending' || d.state === 'processing')).toHaveLength(0);
    expect(conversations.map((c: { incoming_count: number }) => c.incoming_count)).toEqual([2, 1, 0]);
    const kinds = queued
      .filter((j) => j.includes('"webhooks.effects"'))
      .map((j) => (JSON.parse(j) as { data: { kind: string } }).data.kind)
      .sort();
    expect(kinds).toEqual(['low_csat', 'opened', 'opened', 'opened', 'resolved', 'resolved', 'resolved']);
  });

  it('never reports a delivery processed whose transaction could not insert its announcement', async () => {
    const refusing = await seedStore(t);
    await store(refusing, 1);
    // The database refuses the announcement's job for this store, as a full disk or a constraint
    // would. A failure swallowed inside the transaction leaves it aborted, and its COMMIT then rolls
    // back silently: the deliveries would be marked processed with nothing of them stored.
    await db.query(`create function refuse_announcement() returns trigger language plpgsql as $$
      begin
        if new.name = 'tracking.conversation' and new.data->>'storeId' = '${refusing.storeId}' then
          raise exception 'announcement refused';
        end if;
        return new;
      end $$`);
    await db.query(
      'create trigger refuse_announcement before insert on pgboss.job for each row execute function refuse_announcement()',
    );
    try {
      await t.get(WebhookDeliveryWorker).drain();
    } finally {
      await db.query('drop trigger refuse_announcement on pgboss.job');
      await db.query('drop function refuse_announcement()');
    }
    const { conversations } = await snapshot(refusing.storeId);
    expect(conversations).toEqual([]);
    const [{ processed, waiting }] = await db.query(
      `select count(*) filter (where state = 'processed')::int as processed,
              count(*) filter (where state = 'pending')::int as waiting
         from webhook_deliveries
        where store_id = $1 and event in ('conversation_created', 'conversation_updated', 'conversation_status_changed',
                                          'message_created', 'message_updated')`,
      [refusing.storeId],
    );
    expect(processed).toBe(0);
    expect(waiting).toBeGreaterThan(0);
  });
});
