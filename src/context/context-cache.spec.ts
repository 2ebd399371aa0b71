import { describe, expect, it } from 'vitest';
import { TtlCache } from './context-cache';

function clock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TtlCache', () => {
  it('returns a value until its TTL runs out', () => {
    const c = clock();
    const cache = new TtlCache<string>({ ttlMs: 100, maxEntries: 10, now: c.now });
    cache.set('a', 'A');
    expect(cache.get('a')).toBe('A');
    c.advance(99);
    expect(cache.get('a')).toBe('A');
    // lru-cache counts an entry stale once its age exceeds the TTL.
    c.advance(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.hits).toBe(2);
    expect(cache.misses).toBe(1);
  });

  it('drops every entry of a tag and only those', () => {
    const cache = new TtlCache<number>({ ttlMs: 1_000, maxEntries: 10 });
    cache.set('ctx:1', 1, ['customer:s1:c1', 'contact:s1:7']);
    cache.set('orders:1', 2, ['customer:s1:c1']);
    cache.set('ctx:2', 3, ['customer:s1:c2']);
    expect(cache.invalidateTag('customer:s1:c1')).toBe(2);
    expect(cache.get('ctx:1')).toBeUndefined();
    expect(cache.get('orders:1')).toBeUndefined();
    expect(cache.get('ctx:2')).toBe(3);
    expect(cache.invalidateTag('contact:s1:7')).toBe(0);
  });

  it('refuses to store a value computed across an invalidation of its tag', () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000, maxEntries: 10 });
    const tags = ['customer:s1:c1'];
    const before = cache.snapshot();
    cache.invalidateTag('customer:s1:c1');
    expect(cache.set('ctx', 'stale', tags, before)).toBe(false);
    expect(cache.get('ctx')).toBeUndefined();
    const fresh = cache.snapshot();
    expect(cache.set('ctx', 'fresh', tags, fresh)).toBe(true);
    expect(cache.get('ctx')).toBe('fresh');
  });

  it('clear() also blocks values computed before it', () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000, maxEntries: 10 });
    cache.set('x', 'X', ['t']);
    const before = cache.snapshot();
    cache.clear();
    expect(cache.get('x')).toBeUndefined();
    expect(cache.set('x', 'old', ['t'], before)).toBe(false);
  });

  it('refuses a value whose tag (learnt only from the read itself) changed after the snapshot', () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000, maxEntries: 10 });
    const before = cache.snapshot();
    // The reader does not know yet which customer the contact belongs to; meanwhile it changes.
    cache.invalidateTag('customer:s1:c9');
    cache.invalidateTag('customer:s1:other');
    expect(cache.set('ctx', 'stale', ['contact:s1:7', 'customer:s1:c9'], before)).toBe(false);
    // A tag untouched since the snapshot does not block.
    expect(cache.set('ctx', 'ok', ['contact:s1:7', 'customer:s1:c1'], before)).toBe(true);
  });

  it('refuses old snapshots once the record of invalidations had to forget some', () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000, maxEntries: 1 });
    const before = cache.snapshot();
    // maxEntries * 4 invalidation records are kept; the fifth pushes the first out.
    for (let i = 0; i < 5; i++) cache.invalidateTag(`t${i}`);
    expect(cache.set('k', 'v', ['t0'], before)).toBe(false);
    expect(cache.set('k', 'v', ['t0'], cache.snapshot())).toBe(true);
  });

  it('stays within maxEntries, evicting the oldest', () => {
    const cache = new TtlCache<number>({ ttlMs: 1_000, maxEntries: 3 });
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, [`tag${i}`]);
    expect(cache.size).toBe(3);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k4')).toBe(4);
    // Evicted entries leave no dangling tag index behind.
    expect(cache.invalidateTag('tag0')).toBe(0);
  });

  it('replacing a key re-indexes its tags', () => {
    const cache = new TtlCache<number>({ ttlMs: 1_000, maxEntries: 3 });
    cache.set('k', 1, ['a']);
    cache.set('k', 2, ['b']);
    expect(cache.invalidateTag('a')).toBe(0);
    expect(cache.get('k')).toBe(2);
    expect(cache.invalidateTag('b')).toBe(1);
  });
});
