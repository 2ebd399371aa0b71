import type { ConversationSnapshot, MessageFacts } from './chatwoot-payload';
import type { AppliedChange } from './conversation-effects.planner';
import { planConversationUpdate } from './conversation-state';
import type { ConversationRecord } from './conversation.repository';
import { redundantPoints, summarizeStatus, type RecordedStatusChange, type StatusPoint } from './status-history';

/** One conversation-bearing delivery, parsed, with its contact resolved. */
export interface ConversationDelivery {
  event: string;
  snapshot: ConversationSnapshot;
  message: MessageFacts | null;
  statusChange: RecordedStatusChange | null;
  customerId: string | null;
  tier: string | null;
}

/**
 * One conversation folded through a batch of deliveries in memory: each delivery does to the
 * row, its status history and its message ledger what ConversationApplier's statements do to the
 * tables (same order, same SQL semantics: coalesce, greatest, least-wins first response, newest
 * snapshot wins), and says what it changed, so the effects planned from it are the ones the
 * per-delivery path plans. The end state is written back with a few multi-row statements.
 */
export class ConversationFold {
  row: ConversationRecord | null;
  /** No row before the batch: written with an insert. */
  readonly isNew: boolean;
  touched = false;
  csatChanged = false;
  readonly points: Map<number, StatusPoint>;
  private readonly initialPoints: Map<number, StatusPoint>;
  /** Messages this fold added to the ledger. */
  readonly newMessages: MessageFacts[] = [];

  constructor(
    readonly storeId: string,
    readonly displayId: number,
    row: ConversationRecord | null,
    points: StatusPoint[],
    /** True the first time a message id is seen (neither in the ledger nor earlier in the batch). */
    private readonly firstSight: (messageId: number) => boolean,
  ) {
    this.row = row;
    this.isNew = row === null;
    this.points = new Map(points.map((p) => [p.at, { ...p }]));
    this.initialPoints = new Map(points.map((p) => [p.at, { ...p }]));
  }

  /** How the status history moved: points to upsert (new or changed) and points to delete. */
  statusPointChanges(): { saved: StatusPoint[]; removed: StatusPoint[] } {
    const saved = [...this.points.values()].filter((p) => {
      const was = this.initialPoints.get(p.at);
      return !was || was.status !== p.status || was.exact !== p.exact;
    });
    const removed = [...this.initialPoints.values()].filter((p) => !this.points.has(p.at));
    return { saved, removed };
  }

  apply(d: ConversationDelivery): AppliedChange {
    const s = d.snapshot;
    const row = this.row;
    const prev = row
      ? {
          status: row.status,
          assigneeId: row.assigneeId,
          teamId: row.teamId,
          priority: row.priority,
          lastEventAt: row.lastEventAt,
        }
      : null;
    const { transitions } = planConversationUpdate(prev, s);
    if (!row) this.row = fromSnapshot(this.storeId, s, d.customerId, d.tier);
    else if (!transitions.stale) this.update(row, s, d.customerId, d.tier);
    else if (d.customerId && row.customerId === null) row.customerId = d.customerId;
    const resolvedAt = this.recordStatus(s, d.statusChange);
    if (s.firstReplyAt) this.recordFirstResponse(s.firstReplyAt);
    const csatRating = d.message ? this.applyMessage(d.message) : null;
    return { transitions, resolvedAt, csatRating };
  }

  private get current(): ConversationRecord {
    return this.row!;
  }

  /** StoreConversations.updateFromSnapshot. */
  private update(row: ConversationRecord, s: ConversationSnapshot, customerId: string | null, tier: string | null): void {
    row.status = s.status;
    row.priority = s.priority;
    row.assigneeId = s.assigneeId;
    row.teamId = s.teamId;
    row.labels = s.labels;
    row.lastEventAt = s.updatedAt;
    row.inboxId = s.inboxId ?? row.inboxId;
    row.contactId = s.contact.contactId ?? row.contactId;
    row.customerId = row.customerId ?? customerId;
    row.customerTier = tier ?? row.customerTier;
    row.lastActivityAt = greatest(row.lastActivityAt, s.lastActivityAt);
    this.touched = true;
  }

  /** ConversationApplier's recordStatus over the in-memory history. */
  private recordStatus(s: ConversationSnapshot, change: RecordedStatusChange | null): Date | null {
    const before = summarizeStatus([...this.points.values()]);
    const added: StatusPoint[] = [{ at: Math.floor(s.updatedAt * 1000), status: s.status, exact: false }];
    if (change) {
      added.push({ at: change.at, status: change.to, exact: true });
      if (change.from) added.push({ at: change.at - 1, status: change.from, exact: false });
    }
    for (const point of added) {
      const existing = this.points.get(point.at);
      if (!existing) this.points.set(point.at, { ...point });
      else if (point.exact && !existing.exact) this.points.set(point.at, { at: point.at, status: point.status, exact: true });
    }
    const history = [...this.points.values()];
    for (const point of redundantPoints(history)) this.points.delete(point.at);
    const after = summarizeStatus(history);
    if (after.lastResolvedAt !== before.lastResolvedAt || after.reopens !== before.reopens) {
      const row = this.current;
      if (after.lastResolvedAt !== null) {
        row.resolvedAt = new Date(after.lastResolvedAt);
        row.resolutionSeconds = secondsBetween(row.createdAt, row.resolvedAt);
      }
      row.reopenCount += after.reopens - before.reopens;
      this.touched = true;
    }
    return after.resolutions > before.resolutions && after.lastResolvedAt !== null ? new Date(after.lastResolvedAt) : null;
  }

  /** StoreConversations.recordFirstResponse: the earliest reply not before creation wins. */
  private recordFirstResponse(at: Date): void {
    const row = this.current;
    if (at.getTime() < row.createdAt.getTime()) return;
    if (row.firstResponseAt && row.firstResponseAt.getTime() <= at.getTime()) return;
    row.firstResponseAt = at;
    row.firstResponseSeconds = secondsBetween(row.createdAt, at);
  }

  /** ConversationApplier's applyMessage: ledger (once per message id), counters, first response, CSAT. */
  private applyMessage(msg: MessageFacts): number | null {
    const row = this.current;
    const isNewMessage = this.firstSight(msg.messageId);
    if (isNewMessage) {
      this.newMessages.push(msg);
      if (!msg.private && (msg.messageType === 'incoming' || msg.messageType === 'outgoing')) {
        if (msg.messageType === 'incoming') row.incomingCount += 1;
        else row.outgoingCount += 1;
        row.lastActivityAt = greatest(row.lastActivityAt, msg.createdAt);
      }
    }
    if (msg.humanResponse && !msg.private) this.recordFirstResponse(msg.createdAt);
    if (!msg.csat) return null;
    if (row.csatRating === msg.csat.rating && row.csatFeedback === msg.csat.feedback) return null;
    row.csatRating = msg.csat.rating;
    row.csatFeedback = msg.csat.feedback;
    this.csatChanged = true;
    this.touched = true;
    return msg.csat.rating;
  }
}

/** StoreConversations.insertFromSnapshot, with the table's defaults for the rest. */
function fromSnapshot(
  storeId: string,
  s: ConversationSnapshot,
  customerId: string | null,
  tier: string | null,
): ConversationRecord {
  return {
    storeId,
    displayId: s.displayId,
    accountId: s.accountId,
    contactId: s.contact.contactId,
    customerId,
    customerTier: tier,
    inboxId: s.inboxId,
    status: s.status,
    priority: s.priority,
    assigneeId: s.assigneeId,
    teamId: s.teamId,
    labels: s.labels,
    createdAt: s.createdAt,
    lastEventAt: s.updatedAt,
    lastActivityAt: s.lastActivityAt,
    firstResponseAt: null,
    firstResponseSeconds: null,
    resolvedAt: null,
    resolutionSeconds: null,
    reopenCount: 0,
    incomingCount: 0,
    outgoingCount: 0,
    csatRating: null,
    csatFeedback: null,
    csatAt: null,
    routedAt: null,
  };
}

/** PostgreSQL's greatest(): nulls are ignored. */
function greatest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return b.getTime() > a.getTime() ? b : a;
}

/** greatest(0, round(extract(epoch from (to - from))))::int */
function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}
