import type { ValidationError } from 'class-validator';
import { DomainError } from './domain-error';

/** One refused field: `field` is the path into the body (`items.0.category`). */
export interface FieldError {
  field: string;
  message: string;
}

/** At most this many field errors are listed; a body with thousands of bad fields gets a count of the rest. */
export const MAX_FIELD_ERRORS = 50;

/** A body that failed validation: 400 VALIDATION_FAILED with one `details` entry per problem. */
export class ValidationFailedError extends DomainError {
  constructor(
    readonly fields: FieldError[],
    omitted = 0,
  ) {
    super(
      400,
      'VALIDATION_FAILED',
      [...fields.map((f) => f.message), ...(omitted > 0 ? [`and ${omitted} more`] : [])].join('; ') || 'Validation failed',
    );
  }
}

/**
 * class-validator's error tree as a flat list of `{field, message}`. A field that is absent
 * (or null) gets "is required" instead of every rule it would have broken ("must be longer than
 * or equal to 0 characters"); other messages keep class-validator's words with the full path
 * in front. Walks with its own stack: how deep errors go is up to the caller's body.
 */
export function toFieldErrors(errors: ValidationError[]): { fields: FieldError[]; omitted: number } {
  const fields: FieldError[] = [];
  let omitted = 0;
  const pending: { error: ValidationError; parent: string }[] = errors.map((error) => ({ error, parent: '' })).reverse();
  while (pending.length > 0) {
    const { error, parent } = pending.pop()!;
    const property = String(error.property);
    const field = parent ? `${parent}.${property}` : property;
    const constraints = error.constraints ?? {};
    const messages = Object.entries(constraints);
    if (messages.length > 0) {
      const add = (message: string) => {
        if (fields.length < MAX_FIELD_ERRORS) fields.push({ field, message });
        else omitted += 1;
      };
      if ('whitelistValidation' in constraints) {
        // Nest's own wording, with the path in front as Nest puts it.
        add(parent ? `${parent}.property ${property} should not exist` : `property ${property} should not exist`);
      } else if ('value' in error && (error.value === undefined || error.value === null)) {
        add(`${field} is required`);
      } else {
        for (const [, message] of messages) {
          if (message.startsWith(property)) add(field + message.slice(property.length));
          else add(parent ? `${parent}.${message}` : message);
        }
      }
    }
    const children = error.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) pending.push({ error: children[i], parent: field });
  }
  return { fields, omitted };
}

/** The `exceptionFactory` of every ValidationPipe in the app. */
export function validationFailed(errors: ValidationError[]): ValidationFailedError {
  const { fields, omitted } = toFieldErrors(errors);
  return new ValidationFailedError(fields, omitted);
}
