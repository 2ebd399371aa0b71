import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChatwootApiError } from '../../chatwoot/chatwoot-api.error';
import { databaseInputError } from './database-input-error';
import { DomainError } from './domain-error';
import { asServiceUnavailable, retryAfterOf } from './service-unavailable';
import { ValidationFailedError, type FieldError } from './validation-failed.error';

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  502: 'CHATWOOT_UNAVAILABLE',
  503: 'UNAVAILABLE',
};

/** Fastify's own 415 (a body with no Content-Type, or one no parser takes) says only "Unsupported Media Type". */
const UNSUPPORTED_MEDIA_TYPE = 'Send the body as JSON with Content-Type: application/json';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  /** Validation errors only: one entry per refused field. */
  details?: FieldError[];
}

/**
 * Maps every thrown thing to `{statusCode, code, message, requestId, details?}`; logs 5xx as
 * errors, and database errors that bad input caused as warnings (validation missed them).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: request.id }, body.message);
    } else if (databaseInputError(exception)) {
      this.logger.warn({ err: exception, requestId: request.id }, `database refused a value from the request: ${body.message}`);
    }
    const retryAfter = retryAfterOf(exception);
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply
      .status(body.statusCode)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ ...body, requestId: String(request.id) });
  }
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof ValidationFailedError) {
    return { statusCode: exception.statusCode, code: exception.code, message: exception.message, details: exception.fields };
  }
  if (exception instanceof DomainError) {
    return { statusCode: exception.statusCode, code: exception.code, message: exception.message };
  }
  if (exception instanceof ChatwootApiError) {
    // Chatwoot's refusal is our upstream's problem, not the caller's: 502 with Chatwoot's words.
    return { statusCode: 502, code: 'CHATWOOT_ERROR', message: exception.message };
  }
  // PostgreSQL unreachable (restart, failover): 503 DATABASE_UNAVAILABLE with Retry-After, not a 500.
  const unavailable = asServiceUnavailable(exception);
  if (unavailable) return { statusCode: 503, code: unavailable.code, message: unavailable.message };
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    let message = exception.message;
    let code = STATUS_CODES[statusCode] ?? `HTTP_${statusCode}`;
    if (typeof response === 'object' && response !== null) {
      const r = response as { message?: unknown; code?: unknown };
      if (Array.isArray(r.message)) {
        message = r.message.join('; ');
        code = 'VALIDATION_FAILED';
      } else if (typeof r.message === 'string') {
        message = r.message;
      }
      if (typeof r.code === 'string') code = r.code;
    }
    // Nest re-wraps Fastify's body parser errors as plain HttpExceptions, dropping their code.
    if (statusCode === 400 && /not valid JSON|cannot be empty when content-type/i.test(message)) code = 'MALFORMED_JSON';
    if (statusCode === 415 && message === 'Unsupported Media Type') message = UNSUPPORTED_MEDIA_TYPE;
    return { statusCode, code, message };
  }
  const fastifyError = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Fastify's own client errors: body too large, bad JSON, wrong content type.
    const statusCode = fastifyError.statusCode;
    const code =
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'MALFORMED_JSON'
        : (STATUS_CODES[statusCode] ?? `HTTP_${statusCode}`);
    const message = String(fastifyError.message ?? 'Bad request');
    return {
      statusCode,
      code,
      message: statusCode === 415 && message === 'Unsupported Media Type' ? UNSUPPORTED_MEDIA_TYPE : message,
    };
  }
  if (exception instanceof SyntaxError) {
    return { statusCode: 400, code: 'MALFORMED_JSON', message: exception.message };
  }
  // Input-caused database errors (SQLSTATE class 22 and kin): the caller's value, not our fault.
  const refused = databaseInputError(exception);
  if (refused) return { statusCode: refused.statusCode, code: refused.code, message: refused.message };
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', message: 'Internal server error' };
}
