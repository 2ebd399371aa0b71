import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreDirectory } from '../../../src/accounts/store-directory.service';
import { ContactSyncService } from '../../../src/contacts/contact-sync.service';
import { CustomerDataService } from '../../../src/contacts/customer-data.service';
import { LOW_CSAT_LABEL } from '../../../src/webhooks/conversation-effects.service';
import { buildMessagePayload } from '../../fake-chatwoot';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

/** Calls of `target`'s methods, each with the source file of its caller (the frame above the wrapper). */
function recordCalls(target: object, methods: string[]): { method: string; caller: string; args: unknown[] }[] {
  const calls: { method: string; caller: string; args: unknown[] }[] = [];
  const object = target as Record<string, (...args: unknown[]) => unknown>;
  for (const method of methods) {
    const original = object[method].bind(target);
    object[method] = (...args: unknown[]) => {
      const frame = new Error().stack?.split('\n')[2] ?? '';
      calls.push({ method, caller: /src\/([\w/.-]+)\.ts/.exec(frame)?.[1] ?? frame.trim(), args });
      return original(...args);
    };
  }
  return calls;
}

const DIRECTORY_METHODS = [
  'find',
  'get',
  'access',
  'chatwootFor',
  'withChatwoot',
  'findByChatwootAccountId',
  'webhookSecret',
  'notificationTarget',
  'widgetCredentials',
];

/**
 * How often one delivery asks for its store, computes the customer's tier and asks for a contact
 * sync. The webhooks module loads the store once per delivery and once per effect job (which also
 * needs the account's credentials), computes the tier once (effects read the stored one), and its
 * effects ask for one sync.
 */
describe('work per delivery', () => {
  let t: TestApp;
  let s: SeededStore;
  let lookups: ReturnType<typeof recordCalls>;
  let tiers: ReturnType<typeof recordCalls>;
  let syncs: ReturnType<typeof recordCalls>;

  beforeAll(async () => {
    t = await startTestApp();
    s = await seedStore(t);
    lookups = recordCalls(
      t.get(StoreDirectory),
      DIRECTORY_METHODS.filter((m) => m in t.get(StoreDirectory)),
    );
    tiers = recordCalls(t.get(CustomerDataService), ['getTier']);
    syncs = recordCalls(t.get(ContactSyncService), ['requestSync']);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a new conversation with a low CSAT rating: one store lookup for the delivery and one per effect, one tier, one sync per effect', async () => {
    const put = await t.request('PUT', `/v1/stores/${s.storeId}/customers/cust-count`, {
      body: {
        email: 'count@example.test',
        name: 'Count',
        marketingConsent: false,
        registeredAt: '2024-01-15T10:00:00Z',
        updatedAt: new Date().toISOString(),
      },
    });
    expect(put.status).toBe(200);
    // The contact sync creates and links the Chatwoot contact; the syncs counted below are the delivery's own.
    const contact = await eventually(() => {
      const found = [...t.fake.state.contacts.values()].find(
        (x) => x.account_id === s.accountId && x.identifier === 'cust-count',
      );
      expect(found).toBeDefined();
      return found!;
    });
    await new Promise((r) => setTimeout(r, 1500));
    // Chatwoot's state changes silently; then exactly one delivery carries them (the rated survey).
    t.fake.webhooksEnabled = false;
    const c = t.fake.state.createConversation(s.accountId, { contactId: contact.id, inboxId: s.inboxId });
    const survey = t.fake.state.submitCsat(s.accountId, c.display_id, 1, 'No');
    t.fake.webhooksEnabled = true;
    lookups.length = 0;
    tiers.length = 0;
    syncs.length = 0;

    const answers = await t.fake.sendWebhook(
      s.accountId,
      buildMessagePayload(t.fake.state, s.accountId, survey.id, 'message_updated'),
    );
    expect(answers.map((a) => a.status)).toEqual([200]);
    // What the effects do in Chatwoot (labels, a private note) comes back as further deliveries with
    // lookups of their own; the drain is quick enough to count them too, so they stay in Chatwoot.
    t.fake.webhooksEnabled = false;
    const view = () => t.request('GET', `/v1/stores/${s.storeId}/conversations/${c.display_id}`);
    await eventually(async () => expect((await view()).body).toMatchObject({ csatRating: 1, customerId: 'cust-count' }));
    // Both effects (opened, low_csat) have run once the low-CSAT label is on the conversation.
    await eventually(() => expect(t.fake.state.getConversation(s.accountId, c.display_id).label_list).toContain(LOW_CSAT_LABEL));
    await eventually(() =>
      expect(lookups.filter((l) => l.caller.startsWith('webhooks/conversation-effects')).length).toBeGreaterThanOrEqual(2),
    );

    const fromWebhooks = lookups.filter((l) => l.caller.startsWith('webhooks/'));
    const processing = fromWebhooks.filter((l) => !l.caller.startsWith('webhooks/conversation-effects'));
    const effects = fromWebhooks.filter((l) => l.caller.startsWith('webhooks/conversation-effects'));
    console.log(
      'store lookups from webhooks:',
      fromWebhooks.map((l) => `${l.method}@${l.caller}`),
      'tier computations:',
      tiers.length,
      'sync requests:',
      syncs.map((l) => l.caller),
    );
    expect(processing).toHaveLength(1);
    // Two effect jobs (opened, low_csat): one lookup each, credentials included.
    expect(effects).toHaveLength(2);
    expect(tiers).toHaveLength(1);
    expect(syncs.filter((l) => (l.args[1] as string) === 'cust-count').length).toBeLessThanOrEqual(1);
  });
});
