import type { ValidationPipeOptions } from '@nestjs/common';
import { validationFailed } from '../errors/validation-failed.error';

/** The one validation policy: the global pipe and pipes that parse a body themselves share it. */
export const VALIDATION_PIPE_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  exceptionFactory: validationFailed,
};
