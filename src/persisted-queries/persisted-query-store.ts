import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BoundedKeyValueCache, CacheFill } from '../shared/query-caches';

/** At most one warning per this long while Redis fails: a down Redis would otherwise log on every request. */
const WARNING_INTERVAL_MS = 60_000;

export interface SharedPersistedQueries {
  readonly redis: Redis;
  /** Every key starts with it (masthead:apq: by default), so that APQ entries can be told apart, counted and dropped. */
  readonly keyPrefix: string;
  /** How long an entry lives in Redis after it was registered (PERSISTED_QUERY_TTL_HOURS). */
  readonly ttlSeconds: number;
  /** Longer texts are kept in this instance's memory only (MAX_BODY_BYTES: what a reader may send at all). */
  readonly maxTextBytes: number;
  readonly log: Logger;
}

/**
 * Apollo's automatic persisted queries (query texts by their sha256), in two tiers: this instance's bounded LRU first,
 * then Redis (when REDIS_URL is set), which every instance shares, so a query registered on one instance is found by
 * hash alone on the others. Reads go to memory, then Redis (a Redis hit is remembered in memory); writes go to both.
 *
 * What bounds Redis: every entry expires ttlSeconds after it was registered, and no entry is larger than a reader's
 * request body may be, so Redis holds at most (registrations in one TTL) x MAX_BODY_BYTES; and since every key has a
 * TTL, a Redis with `maxmemory-policy volatile-lru` (or allkeys-lru) evicts these keys first when full. Registering
 * needs a query that parses, validates and passes the query limits, so each entry was a request the gateway accepted.
 *
 * Redis failing never fails a request: the memory tier answers alone (a miss is PERSISTED_QUERY_NOT_FOUND, and the
 * client sends the text again), and a warning is logged at most once a minute.
 */
export class PersistedQueryStore implements KeyValueCache<string> {
  private lastWarningAt = 0;
  private failuresSinceWarning = 0;

  constructor(
    private readonly memory: BoundedKeyValueCache<string>,
    private readonly shared: SharedPersistedQueries | null,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const remembered = await this.memory.get(key);
    if (remembered !== undefined || !this.shared) return remembered;
    try {
      const text = await this.shared.redis.get(this.shared.keyPrefix + key);
      if (text === null) return undefined;
      await this.memory.set(key, text);
      return text;
    } catch (error) {
      this.warn(error);
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    await this.memory.set(key, value);
    if (!this.shared || Buffer.byteLength(value) > this.shared.maxTextBytes) return;
    try {
      await this.shared.redis.set(this.shared.keyPrefix + key, value, 'EX', this.shared.ttlSeconds);
    } catch (error) {
      this.warn(error);
    }
  }

  async delete(key: string): Promise<boolean> {
    const deleted = await this.memory.delete(key);
    if (!this.shared) return deleted;
    try {
      return (await this.shared.redis.del(this.shared.keyPrefix + key)) > 0 || deleted;
    } catch (error) {
      this.warn(error);
      return deleted;
    }
  }

  /** The memory tier's fill (Redis is bounded by its TTL and its own maxmemory). */
  fill(): CacheFill {
    return this.memory.fill();
  }

  private warn(error: unknown): void {
    this.failuresSinceWarning++;
    const now = Date.now();
    if (!this.shared || now - this.lastWarningAt < WARNING_INTERVAL_MS) return;
    this.shared.log.warn(
      { err: error, failures: this.failuresSinceWarning },
      'Redis unavailable: automatic persisted queries are kept in this instance only until it is back',
    );
    this.lastWarningAt = now;
    this.failuresSinceWarning = 0;
  }
}
