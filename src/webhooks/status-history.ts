/**
 * A conversation's status over time, as far as we saw it, and what resolution figures follow.
 *
 * Chatwoot builds a webhook payload when its job runs, from the conversation as it is then
 * (app/listeners/webhook_listener.rb), so a quick resolve → reopen can arrive as deliveries that
 * all say `open`. Only `changed_attributes` of `conversation_updated`, captured at commit, record
 * such a change. Deliveries also arrive in any order. So every status seen is kept as a point in
 * time (a payload's status at its `updated_at`, or a recorded change at its `updated_at`) and the
 * figures are read off the ordered points: insertion order never matters and a point seen twice
 * changes nothing.
 */
export interface StatusPoint {
  /** Unix milliseconds. */
  at: number;
  status: string;
  /** From `changed_attributes` (the moment of the change), not merely a payload's state. */
  exact: boolean;
}

export interface StatusSummary {
  resolutions: number;
  /** When the latest resolution began (unix ms), or null. */
  lastResolvedAt: number | null;
  /** Resolved → open transitions. */
  reopens: number;
}

export function summarizeStatus(points: readonly StatusPoint[]): StatusSummary {
  const ordered = [...points].sort((a, b) => a.at - b.at);
  let resolutions = 0;
  let lastResolvedAt: number | null = null;
  let reopens = 0;
  let previous: string | null = null;
  for (const point of ordered) {
    if (point.status === 'resolved' && previous !== 'resolved') {
      resolutions += 1;
      lastResolvedAt = point.at;
    }
    if (point.status === 'open' && previous === 'resolved') reopens += 1;
    previous = point.status;
  }
  return { resolutions, lastResolvedAt, reopens };
}

/**
 * Points that can be dropped without changing any count: a payload's point between two points
 * of the same status (it only repeats what its neighbours say). Keeps the history at about two
 * points per real change however many events a conversation has.
 */
export function redundantPoints(points: readonly StatusPoint[]): StatusPoint[] {
  const ordered = [...points].sort((a, b) => a.at - b.at);
  return ordered.filter(
    (point, i) =>
      !point.exact &&
      i > 0 &&
      i < ordered.length - 1 &&
      ordered[i - 1]!.status === point.status &&
      ordered[i + 1]!.status === point.status,
  );
}

/** The status change a `conversation_updated` records in `changed_attributes`, with its time. */
export interface RecordedStatusChange {
  from: string | null;
  to: string;
  /** Unix milliseconds (the `updated_at` of that save). */
  at: number;
}
