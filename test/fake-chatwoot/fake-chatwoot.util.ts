import { randomBytes, randomUUID } from 'node:crypto';

import type { JsonObject } from './fake-chatwoot.types';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Same alphabet and length as Rails' `has_secure_token` (24 base58 chars). */
export function secureToken(length = 24): string {
  const bytes = randomBytes(length);
  let token = '';
  for (const byte of bytes) token += BASE58[byte % BASE58.length];
  return token;
}

export function uuid(): string {
  return randomUUID();
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function asObject(value: unknown): JsonObject {
  return isPlainObject(value) ? value : {};
}

/** Rails `present?`: nil, false, empty/whitespace strings, empty arrays/hashes are blank. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

export function optionalString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

export function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number.parseInt(value, 10);
  return undefined;
}

/** Rails boolean casting for params ("true", "1", 1, true → true). */
export function toBool(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return !['false', '0', 'f', 'off', ''].includes(value.toLowerCase());
  return fallback;
}

/** Deep copy through JSON: yields exactly what a receiver of the serialised payload sees. */
export function toJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function unixSeconds(date: Date | null | undefined): number {
  return date ? Math.floor(date.getTime() / 1000) : 0;
}

export function unixSecondsOrNull(date: Date | null | undefined): number | null {
  return date ? Math.floor(date.getTime() / 1000) : null;
}

export function unixFloat(date: Date): number {
  return date.getTime() / 1000;
}

/** Devise.email_regexp */
export const EMAIL_REGEXP = /^[^@\s]+@[^@\s]+$/;
