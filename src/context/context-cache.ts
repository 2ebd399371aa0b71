interface Entry<V> {
  value: V;
  expiresAt: number;
  tags: readonly string[];
}

export interface TtlCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Injectable clock for tests. */
  now?: () => number;
}

/**
 * A small in-process TTL cache with tags. Entries are dropped by tag when the data behind them
 * changes; a value computed while its tag was invalidated is not stored (see {@link snapshot}),
 * so a slow read that started before a change cannot put stale data back.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  /** Bumped by clear(), so everything computed before it is refused. */
  private epoch = 0;
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(private readonly options: TtlCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    if (entry.expiresAt <= this.now()) {
      this.delete(key);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.value;
  }

  /** Generation numbers of these tags, taken before computing a value. */
  snapshot(tags: readonly string[]): number[] {
    return [this.epoch, ...tags.map((tag) => this.generations.get(tag) ?? 0)];
  }

  /** Stores the value unless one of its tags was invalidated since `snapshot`; returns whether it did. */
  set(key: string, value: V, tags: readonly string[] = [], snapshot?: number[], ttlMs = this.options.ttlMs): boolean {
    if (snapshot && (snapshot[0] !== this.epoch || tags.some((tag, i) => (this.generations.get(tag) ?? 0) !== snapshot[i + 1]))) {
      return false;
    }
    this.delete(key);
    if (this.entries.size >= this.options.maxEntries) this.evict();
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs, tags });
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }

  /** Drops every entry carrying the tag; returns how many. */
  invalidateTag(tag: string): number {
    this.generations.set(tag, (this.generations.get(tag) ?? 0) + 1);
    const keys = [...(this.byTag.get(tag) ?? [])];
    for (const key of keys) this.delete(key);
    return keys.length;
  }

  clear(): void {
    this.entries.clear();
    this.byTag.clear();
    this.generations.clear();
    this.epoch++;
  }

  /** Expired entries first, then the oldest inserted (Map keeps insertion order). */
  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.delete(key);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
    // Generations of tags with no entries only matter for in-flight reads; keep the map bounded.
    if (this.generations.size > this.options.maxEntries * 4) {
      for (const tag of this.generations.keys()) if (!this.byTag.has(tag)) this.generations.delete(tag);
    }
  }
}
