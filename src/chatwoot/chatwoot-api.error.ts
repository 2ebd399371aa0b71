/**
 * Every failure of a Chatwoot call, with the HTTP status (0 for network errors and timeouts)
 * and Chatwoot's own message, so callers and stored step errors can say what went wrong.
 */
export class ChatwootApiError extends Error {
  constructor(
    readonly status: number,
    readonly operation: string,
    readonly chatwootMessage: string,
    readonly kind: ChatwootErrorKind,
    readonly attributes: string[] = [],
    /** True only when the request provably never reached Chatwoot (e.g. connection refused). */
    readonly neverSent = false,
  ) {
    super(`Chatwoot ${operation} failed (${status || kind}): ${chatwootMessage}`);
    this.name = 'ChatwootApiError';
  }

  /** Worth trying again later: the network, a timeout, Chatwoot's 5xx, its rate limit, an open breaker. */
  get retryable(): boolean {
    return (
      this.kind === 'network' ||
      this.kind === 'timeout' ||
      this.kind === 'server' ||
      this.kind === 'rate_limited' ||
      this.kind === 'circuit_open'
    );
  }

  /**
   * Chatwoot certainly did not apply the request: rack-attack's 429 answers before the app runs,
   * and a refused connection never carried it. A timeout, a reset or a 5xx prove nothing: the
   * write may have been committed. Only these failures make a non-idempotent create safe to resend.
   */
  get provablyNotApplied(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'circuit_open' || (this.kind === 'network' && this.neverSent);
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isValidation(): boolean {
    return this.status === 422;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }
}

export type ChatwootErrorKind =
  | 'network'
  | 'timeout'
  | 'server'
  | 'rate_limited'
  | 'circuit_open'
  | 'unauthorized'
  | 'not_found'
  | 'validation'
  | 'payment_required'
  | 'client';

/**
 * Chatwoot answers errors in several shapes: `{message, attributes}` for validation,
 * `{error}` for auth and not-found, `{errors: [...]}` in a few places, plain text for 429.
 */
export function parseChatwootError(status: number, operation: string, body: unknown): ChatwootApiError {
  let message = '';
  let attributes: string[] = [];
  if (typeof body === 'string') {
    message = body.trim();
  } else if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b.message === 'string') message = b.message;
    else if (typeof b.error === 'string') message = b.error;
    else if (Array.isArray(b.errors)) message = b.errors.map(String).join('; ');
    if (Array.isArray(b.attributes)) attributes = b.attributes.map(String);
  }
  if (!message) message = `HTTP ${status}`;
  return new ChatwootApiError(status, operation, message, kindOf(status), attributes);
}

function kindOf(status: number): ChatwootErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 422) return 'validation';
  if (status === 402) return 'payment_required';
  return 'client';
}
