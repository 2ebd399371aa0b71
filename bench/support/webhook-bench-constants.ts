/** Shared by the webhook intake bench and its load generator process. */
export const ACCOUNT_ID = 4242;
export const SECRET = 'bench-webhook-secret';
