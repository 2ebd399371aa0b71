/**
 * Which browser origin a tracking batch may come from. Browsers attach `Origin` to every POST,
 * cross-origin or not, so it is the check; `Referer` is only consulted when `Origin` is absent
 * (some privacy extensions and older WebViews strip it), never when it is present. A request
 * with neither, or with the opaque origin `null` (sandboxed frames, `file:`), is refused.
 */
export type OriginVerdict = { ok: true } | { ok: false; reason: 'ORIGIN_REQUIRED' | 'ORIGIN_NOT_ALLOWED'; seen: string | null };

export function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.origin.toLowerCase();
  } catch {
    return null;
  }
}

export function checkStorefrontOrigin(
  websiteUrl: string,
  origin: string | undefined,
  referer: string | undefined,
): OriginVerdict {
  const allowed = originOf(websiteUrl);
  const claimed = origin !== undefined && origin !== '' ? origin : undefined;
  const seen = claimed !== undefined ? (claimed === 'null' ? null : originOf(claimed)) : originOf(referer);
  if (claimed === undefined && !referer) return { ok: false, reason: 'ORIGIN_REQUIRED', seen: null };
  if (!allowed || !seen || seen !== allowed) return { ok: false, reason: 'ORIGIN_NOT_ALLOWED', seen: seen ?? claimed ?? null };
  return { ok: true };
}
