/**
 * Errors thrown by the store and the route handlers; the server turns them into the exact
 * status/body pairs Chatwoot answers with (see request_exception_handler.rb in API-NOTES §1).
 */

export interface ValidationIssue {
  attribute: string;
  /** Full message as Rails' `errors.full_messages` renders it, e.g. "Email has already been taken". */
  message: string;
}

/** Mirrors ActiveRecord::RecordInvalid → 422 {message, attributes}. */
export class RecordInvalidError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((issue) => issue.message).join(', '));
    this.name = 'RecordInvalidError';
  }

  get attributes(): string[] {
    return [...new Set(this.issues.map((issue) => issue.attribute))];
  }
}

/** Mirrors ActiveRecord::RecordNotFound; the HTTP layer decides the body (platform vs application API). */
export class RecordNotFoundError extends Error {
  constructor(what: string) {
    super(`Couldn't find ${what}`);
    this.name = 'RecordNotFoundError';
  }
}

/** A fully formed HTTP answer raised from deep inside a handler. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpError';
  }
}

export function unauthorized(message: string): HttpError {
  return new HttpError(401, { error: message });
}

export function invalid(attribute: string, message: string): RecordInvalidError {
  return new RecordInvalidError([{ attribute, message }]);
}
