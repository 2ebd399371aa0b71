import { createParamDecorator, Injectable, type ExecutionContext, type PipeTransform, ValidationPipe } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidRequestError } from '../common/errors/domain-error';
import { assertSafeJson } from '../common/http/json-input-policy';
import { VALIDATION_PIPE_OPTIONS } from '../common/http/validation-pipe-options';
import { TrackingBatchDto } from './dto/tracking-batch.dto';

/**
 * tracker.js posts with `navigator.sendBeacon`, whose only preflight-free content type for JSON
 * is `text/plain`: Fastify hands such a body over as a string. This pipe parses it (or takes
 * the already-parsed `application/json` object) and validates it like the global pipe would.
 */
@Injectable()
export class TrackingBatchPipe implements PipeTransform<unknown, Promise<TrackingBatchDto>> {
  private readonly validation = new ValidationPipe({ ...VALIDATION_PIPE_OPTIONS, expectedType: TrackingBatchDto });

  async transform(value: unknown): Promise<TrackingBatchDto> {
    let body = value;
    if (typeof value === 'string') {
      if (value.trim() === '') throw new InvalidRequestError('The request body is empty', 'EMPTY_BODY');
      try {
        body = JSON.parse(value);
      } catch (error) {
        throw new InvalidRequestError(`The request body is not valid JSON: ${(error as Error).message}`, 'MALFORMED_JSON');
      }
      // A JSON body was checked at the edge; this one was text until now.
      assertSafeJson(body, 'body');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new InvalidRequestError('The request body must be a JSON object {websiteToken, sessionId, events}', 'INVALID_BODY');
    }
    return (await this.validation.transform(body, { type: 'body', metatype: TrackingBatchDto })) as TrackingBatchDto;
  }
}

/**
 * The batch body, parsed and validated by {@link TrackingBatchPipe}. A custom parameter
 * decorator, so the global ValidationPipe (which would reject a text/plain string) skips it.
 */
export const TrackingBatchBody = (): ParameterDecorator =>
  createParamDecorator((_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<FastifyRequest>().body)(
    new TrackingBatchPipe(),
  );
