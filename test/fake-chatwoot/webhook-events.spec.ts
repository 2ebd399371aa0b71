import { describe, expect, it } from 'vitest';
import { CHATWOOT_EVENTS } from '../../src/chatwoot/webhook-events';
import { ALLOWED_WEBHOOK_EVENTS } from './fake-chatwoot.state';

describe("the service's webhook event list", () => {
  it("is Chatwoot's (the fake's copy of app/models/webhook.rb ALLOWED_WEBHOOK_EVENTS)", () => {
    expect([...CHATWOOT_EVENTS].sort()).toEqual([...ALLOWED_WEBHOOK_EVENTS].sort());
  });
});
