/**
 * The error answers this service really gives, one entry per `code`, with a typical message.
 * The OpenAPI document takes its error examples from here (see `src/openapi.ts`), and
 * `test/e2e/error-examples.e2e-spec.ts` provokes each documented one and compares status and code.
 */
export interface ErrorExample {
  statusCode: number;
  code: string;
  message: string;
  details?: Array<{ field: string; message: string }>;
}

const entries: ErrorExample[] = [
  {
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: 'email must be an email; property admin should not exist',
    details: [
      { field: 'email', message: 'email must be an email' },
      { field: 'admin', message: 'property admin should not exist' },
    ],
  },
  { statusCode: 400, code: 'MALFORMED_JSON', message: 'Body is not valid JSON: Unexpected end of JSON input' },
  { statusCode: 400, code: 'INVALID_STORE_ID', message: 'storeId must be 1-64 characters of A-Z, a-z, 0-9, . _ or -' },
  { statusCode: 400, code: 'INVALID_PERIOD', message: 'from (2026-12-01) must not be after to (2026-11-01)' },
  { statusCode: 400, code: 'MALFORMED_WEBHOOK', message: 'The webhook body must be a JSON object with an "event" name' },
  { statusCode: 400, code: 'JSON_TOO_DEEP', message: 'body is nested deeper than 32 levels' },
  { statusCode: 400, code: 'INVALID_CHARACTER', message: 'body.name contains a NUL character (U+0000), which is not accepted' },
  {
    statusCode: 400,
    code: 'INVALID_VALUE',
    message: 'A value in the request is not allowed (value out of range for type integer)',
  },
  { statusCode: 400, code: 'IMPORT_TOO_LARGE', message: 'An import holds at most 1000 customers and orders together' },
  { statusCode: 400, code: 'SAME_CONTACT', message: 'primaryContactId and duplicateContactId must differ' },
  { statusCode: 401, code: 'UNAUTHORIZED', message: 'A valid platform API key is required (Authorization: Bearer ...)' },
  {
    statusCode: 401,
    code: 'MISSING_CREDENTIALS',
    message: 'Send the context token (x-context-token) or your Chatwoot api_access_token',
  },
  { statusCode: 401, code: 'INVALID_CONTEXT_TOKEN', message: 'The context token is not valid' },
  { statusCode: 401, code: 'INVALID_AGENT_TOKEN', message: 'The Chatwoot access token was not accepted by Chatwoot' },
  { statusCode: 401, code: 'SIGNATURE_MISSING', message: 'X-Chatwoot-Signature and X-Chatwoot-Timestamp are required' },
  { statusCode: 401, code: 'SIGNATURE_INVALID', message: 'The webhook signature does not match' },
  { statusCode: 401, code: 'UNKNOWN_WEBSITE_TOKEN', message: 'websiteToken does not belong to any store' },
  { statusCode: 403, code: 'ACCOUNT_MISMATCH', message: 'This context token belongs to another Chatwoot account' },
  {
    statusCode: 403,
    code: 'ORIGIN_REQUIRED',
    message: 'An Origin header is required: tracking batches are accepted from the store website only',
  },
  {
    statusCode: 403,
    code: 'ORDER_ACTION_NOT_ALLOWED',
    message: 'This store does not allow resend_confirmation from the panel (allowed: cancel, refund)',
  },
  { statusCode: 404, code: 'NOT_FOUND', message: 'Route GET /v1/nope not found' },
  { statusCode: 404, code: 'STORE_NOT_FOUND', message: 'Store bloom-co was not found' },
  { statusCode: 404, code: 'CONTACT_NOT_FOUND', message: 'Contact 4711 was not found' },
  { statusCode: 404, code: 'CONVERSATION_NOT_FOUND', message: 'Conversation 42 was not found' },
  { statusCode: 404, code: 'CUSTOMER_NOT_LINKED', message: 'This Chatwoot contact is not linked to a customer of the store' },
  { statusCode: 404, code: 'DELIVERY_NOT_FOUND', message: 'Webhook delivery 7 was not found' },
  { statusCode: 404, code: 'SYNC_RUN_NOT_FOUND', message: 'Sync run 0b5c... was not found' },
  { statusCode: 404, code: 'ERASURE_NOT_FOUND', message: 'Erasure of customer cust-1001 was not found' },
  { statusCode: 404, code: 'ATTRIBUTION_NOT_FOUND', message: 'Attribution of order order-1001 was not found' },
  { statusCode: 404, code: 'ORDER_NOT_FOUND', message: 'Order order-1001 was not found' },
  { statusCode: 409, code: 'STORE_DELETED', message: 'Store bloom-co has been deleted' },
  { statusCode: 409, code: 'STORE_NOT_READY', message: 'Store bloom-co has no active Chatwoot account (state: provisioning)' },
  { statusCode: 409, code: 'STORE_BUSY', message: 'Store bloom-co is busy with another Chatwoot operation; try again shortly' },
  { statusCode: 409, code: 'ALREADY_ESCALATED', message: 'Conversation 42 was escalated less than a minute ago' },
  {
    statusCode: 409,
    code: 'IDEMPOTENCY_KEY_REUSED',
    message:
      'idempotencyKey confirm-2f6d1c9e8a was used for another request (action 5b0e...); make a new key for a new confirmation',
  },
  { statusCode: 409, code: 'CONFLICT', message: 'Webhook delivery 7 is processing; only failed deliveries are replayed' },
  { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Media Type: text/plain' },
  { statusCode: 422, code: 'UNPROCESSABLE', message: 'The request is well-formed but cannot be applied' },
  {
    statusCode: 422,
    code: 'CURRENCY_MISMATCH',
    message: "Order currency USD is not the store's currency EUR; send amounts in EUR (or change the store's currency first)",
  },
  { statusCode: 422, code: 'DISCOUNT_PERCENT_TOO_HIGH', message: 'A percent discount is capped at 20 for this store' },
  {
    statusCode: 422,
    code: 'REFUND_OVER_CEILING',
    message: "A refund of €150.00 is over this store's ceiling of €100.00 per action",
  },
  {
    statusCode: 422,
    code: 'REFUND_OVER_DAILY_LIMIT',
    message:
      'A refund of €80.00 would bring your refunds in the last 24 hours to €520.00, over the daily limit of €500.00 per agent (€60.00 left)',
  },
  {
    statusCode: 422,
    code: 'ORDER_NOT_REFUNDABLE',
    message: 'A refund of €60.00 is more than the €49.98 of order order-1001 not refunded yet',
  },
  {
    statusCode: 422,
    code: 'ORDER_NOT_CANCELLABLE',
    message: 'Order order-1001 is shipped; only pending or paid orders can be cancelled',
  },
  { statusCode: 422, code: 'ORDER_NOT_ATTRIBUTABLE', message: 'Order order-1001 was placed before the conversation started' },
  { statusCode: 422, code: 'MERGE_REJECTED', message: 'Chatwoot refused the merge: contacts belong to different accounts' },
  { statusCode: 429, code: 'RATE_LIMITED', message: 'Too many contact syncs: at most 1000 per 60 s; retry in 12 s' },
  { statusCode: 502, code: 'CHATWOOT_ERROR', message: 'Chatwoot answered 422: Name has already been taken' },
  { statusCode: 503, code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable; retry shortly' },
  {
    statusCode: 503,
    code: 'WEBHOOK_BACKLOG_FULL',
    message: 'Store bloom-co has 250000 unprocessed webhook deliveries (WEBHOOK_BACKLOG_LIMIT); retry later',
  },
];

export const ERROR_CATALOGUE: ReadonlyMap<string, ErrorExample> = new Map(entries.map((entry) => [entry.code, entry]));

/** Codes named in a text (an OpenAPI response description) that the catalogue knows for that status. */
export function catalogueCodesIn(text: string | undefined, statusCode: number): string[] {
  const found = (text ?? '').match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [];
  return [...new Set(found)].filter((code) => ERROR_CATALOGUE.get(code)?.statusCode === statusCode);
}
