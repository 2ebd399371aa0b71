import { LRUCache } from 'lru-cache';

interface Entry<V> {
  value: V;
  tags: readonly string[];
}

export interface TtlCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Injectable clock for tests. */
  now?: () => number;
}

/**
 * An in-process cache with tags over `lru-cache` (which owns storage, TTL and the size bound).
 * Entries are dropped by tag when the data behind them changes, and a value computed while one
 * of its tags was invalidated is not stored (see {@link snapshot}), so a slow read that started
 * before a change cannot put stale data back.
 *
 * Invalidations are stamped with a sequence number, so a reader can snapshot before it knows
 * which tags its answer will carry (the customer behind a contact comes from the same query as
 * the answer) and still be refused if any of them changed meanwhile.
 */
export class TtlCache<V> {
  private readonly entries: LRUCache<string, Entry<V>>;
  private readonly byTag = new Map<string, Set<string>>();
  /** Sequence number of each tag's latest invalidation; bounded, with a floor for the forgotten ones. */
  private readonly invalidatedAt: LRUCache<string, number>;
  private sequence = 0;
  /** Snapshots older than this may have missed an invalidation that is no longer remembered. */
  private floor = 0;
  hits = 0;
  misses = 0;

  constructor(options: TtlCacheOptions) {
    this.entries = new LRUCache<string, Entry<V>>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
      // Evicted, expired, replaced or deleted: the tag index forgets the key either way.
      dispose: (entry, key) => this.unindex(key, entry.tags),
    });
    this.invalidatedAt = new LRUCache<string, number>({
      max: options.maxEntries * 4,
      dispose: (seq, _tag, reason) => {
        if (reason === 'evict') this.floor = Math.max(this.floor, seq);
      },
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.value;
  }

  /** Taken before computing a value; {@link set} refuses the value if any of its tags changed since. */
  snapshot(): number {
    return this.sequence;
  }

  /** Stores the value unless one of its tags was invalidated since `snapshot`; returns whether it did. */
  set(key: string, value: V, tags: readonly string[] = [], snapshot?: number, ttlMs?: number): boolean {
    if (snapshot !== undefined && (snapshot < this.floor || tags.some((tag) => (this.invalidatedAt.get(tag) ?? 0) > snapshot))) {
      return false;
    }
    this.entries.set(key, { value, tags }, ttlMs === undefined ? undefined : { ttl: ttlMs });
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    return true;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry carrying the tag; returns how many. */
  invalidateTag(tag: string): number {
    this.invalidatedAt.set(tag, ++this.sequence);
    const keys = [...(this.byTag.get(tag) ?? [])];
    for (const key of keys) this.entries.delete(key);
    return keys.length;
  }

  /** Drops everything and refuses every value computed before. */
  clear(): void {
    this.entries.clear();
    this.byTag.clear();
    this.invalidatedAt.clear();
    this.floor = ++this.sequence;
  }

  private unindex(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }
}
