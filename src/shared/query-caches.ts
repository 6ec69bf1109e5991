import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { LRUCache } from 'lru-cache';

/**
 * Every cache whose keys a client chooses (one entry per distinct query text, operation or variables) is one of
 * these: a least-recently-used cache with a bound on its entries and, where an entry's size can be told, on its bytes.
 * Without a bound, a client sending ever-new valid queries grows the gateway's memory without limit; with one, the
 * memory levels off (bench/unique-queries.ts measures it). The bounds are listed in the README ("Memory per query").
 */
export interface QueryCacheBounds {
  /** Distinct queries (document and operation) each per-query cache keeps. */
  readonly entries: number;
  /** Bytes of parsed documents kept, measured as their JSON (Apollo's measure), besides the count. */
  readonly documentBytes: number;
}

/** An LRU cache of at most `entries` values, and of at most `bytes` as `sizeOf` measures them when given. */
export function boundedCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  entries: number,
  size?: { bytes: number; sizeOf: (value: V, key: K) => number },
): LRUCache<K, V> {
  if (!size) return new LRUCache<K, V>({ max: entries });
  return new LRUCache<K, V>({ max: entries, maxSize: size.bytes, sizeCalculation: (value, key) => Math.max(1, size.sizeOf(value, key)) });
}

/** A cache's fill, for tests, the benchmark and operators. */
export interface CacheFill {
  entries: number;
  maxEntries: number;
  bytes?: number;
  maxBytes?: number;
}

export function fillOf(cache: { readonly size: number; readonly max: number; readonly calculatedSize?: number; readonly maxSize?: number }): CacheFill {
  const bytes = cache.maxSize ? { bytes: cache.calculatedSize ?? 0, maxBytes: cache.maxSize } : {};
  return { entries: cache.size, maxEntries: cache.max, ...bytes };
}

/** About what lru-cache and V8 keep for one entry besides its key and value (measured: 829,000 tiny entries, 211 MB). */
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * An LRU cache as Apollo's KeyValueCache (for its document store and persisted queries), bounded by count and by
 * bytes as Apollo's own InMemoryLRUCache measures them (strings by length, documents as JSON).
 */
export class BoundedKeyValueCache<V extends string | object> implements KeyValueCache<V> {
  private readonly cache: LRUCache<string, V>;

  constructor(entries: number, bytes: number) {
    this.cache = boundedCache<string, V>(entries, {
      bytes,
      // The key and what the cache keeps beside each entry count too: many tiny values are not free.
      sizeOf: (value, key) => ENTRY_OVERHEAD_BYTES + key.length + (typeof value === 'string' ? value.length : Buffer.byteLength(JSON.stringify(value))),
    });
  }

  async get(key: string): Promise<V | undefined> {
    return this.cache.get(key);
  }

  async set(key: string, value: V, options?: KeyValueCacheSetOptions): Promise<void> {
    this.cache.set(key, value, options?.ttl ? { ttl: options.ttl * 1000 } : undefined);
  }

  async delete(key: string): Promise<boolean> {
    return this.cache.delete(key);
  }

  fill(): CacheFill {
    return fillOf(this.cache);
  }
}
