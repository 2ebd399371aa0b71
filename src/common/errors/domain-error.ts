/**
 * Errors that services throw. Each carries an HTTP status and a stable machine-readable code;
 * the global filter turns them into `{statusCode, code, message, requestId}`.
 */
export class DomainError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, code = 'NOT_FOUND') {
    super(404, code, `${what} was not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'CONFLICT') {
    super(409, code, message);
  }
}

export class InvalidRequestError extends DomainError {
  constructor(message: string, code = 'INVALID_REQUEST') {
    super(400, code, message);
  }
}

export class UnprocessableError extends DomainError {
  constructor(message: string, code = 'UNPROCESSABLE') {
    super(422, code, message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Missing or invalid credentials', code = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Not allowed', code = 'FORBIDDEN') {
    super(403, code, message);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(
    message = 'Too many requests',
    code = 'RATE_LIMITED',
    /** Whole seconds until the caller may try again; sent as the `Retry-After` header. */
    readonly retryAfterSeconds = 60,
  ) {
    super(429, code, message);
  }
}

/** The `Retry-After` value (seconds) for an error that has one: every 429 we send carries it. */
export function tooManyRequestsRetryAfter(error: unknown): number | undefined {
  return error instanceof TooManyRequestsError ? Math.max(1, Math.ceil(error.retryAfterSeconds)) : undefined;
}
