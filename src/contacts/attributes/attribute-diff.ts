import { CONTACT_ATTRIBUTE_KEYS, type AttributeValue, type ContactAttributes } from '../contact-attributes';

/** The attributes whose value differs from what was last pushed (all of them when nothing was). */
export function diffAttributes(
  lastPushed: Record<string, unknown> | null | undefined,
  next: ContactAttributes,
): Partial<ContactAttributes> {
  const changed: Partial<Record<keyof ContactAttributes, AttributeValue>> = {};
  for (const key of CONTACT_ATTRIBUTE_KEYS) {
    if (!lastPushed || !(key in lastPushed) || !sameValue(lastPushed[key], next[key])) changed[key] = next[key];
  }
  return changed;
}

/**
 * A `contact_updated` webhook is our own echo when every one of our keys it carries has the value
 * we last pushed: it tells us nothing we do not know. Other keys (an agent's own) are ignored.
 */
export function isEchoOf(
  lastPushed: Record<string, unknown> | null | undefined,
  payload: Record<string, unknown> | null | undefined,
): boolean {
  if (!lastPushed || !payload) return false;
  const ours = CONTACT_ATTRIBUTE_KEYS.filter((key) => key in lastPushed);
  if (ours.length === 0) return false;
  return ours.every((key) => key in payload && sameValue(payload[key], lastPushed[key]));
}

function sameValue(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}
