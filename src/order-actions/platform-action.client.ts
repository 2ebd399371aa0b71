import { Injectable } from '@nestjs/common';
import { signedPostHeaders } from '../notifications/notification-signature';

/** What the store's platform receives at its actionUrl. Amounts in minor units. */
export interface PlatformActionRequest {
  id: string;
  type: 'order.cancel' | 'order.refund' | 'order.resend_confirmation';
  storeId: string;
  orderId: string;
  amount: number | null;
  currency: string | null;
  lines: { productId: string; quantity: number }[];
  reason: string | null;
  agent: { id: number | null; name: string | null };
  requestedAt: string;
}

export type PlatformAnswer =
  | { answered: true; status: 'succeeded' | 'rejected'; message: string | null }
  | { answered: false; error: string };

/**
 * The signed POST of one order action to the store's platform: the notifications' signature
 * scheme and secret, `Idempotency-Key` = the action id (the same on every retry, so the platform
 * applies it once), no redirects followed, and a hard timeout. Only `200 {status}` is an answer.
 */
@Injectable()
export class PlatformActionClient {
  async send(
    target: { url: string; secret: string },
    request: PlatformActionRequest,
    timeoutMs: number,
  ): Promise<PlatformAnswer> {
    const body = JSON.stringify(request);
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { ...signedPostHeaders(target.secret, body, request.id), 'idempotency-key': request.id },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      const text = await response.text();
      if (response.status !== 200) return { answered: false, error: `HTTP ${response.status}` };
      return parseAnswer(text);
    } catch (cause) {
      return { answered: false, error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause) };
    }
  }
}

export function parseAnswer(text: string): PlatformAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { answered: false, error: 'The answer is not JSON' };
  }
  const status = (parsed as { status?: unknown } | null)?.status;
  if (status !== 'succeeded' && status !== 'rejected') {
    return { answered: false, error: "The answer has no status 'succeeded' or 'rejected'" };
  }
  const message = (parsed as { message?: unknown }).message;
  return { answered: true, status, message: typeof message === 'string' ? message.slice(0, 1000) : null };
}
