import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { CacheFill } from '../shared/query-caches';

/** A whole public response, as sent, with what it depends on. */
export interface CachedResponse {
  status: number;
  contentType: string;
  body: string;
  etag: string;
  cacheControl: string;
  tags: readonly string[];
  /** Epoch ms. */
  storedAt: number;
  /** Served as it is until then (s-maxage). */
  freshUntil: number;
  /** Served while one refresh runs until then (stale-while-revalidate). */
  staleUntil: number;
}

export type Lookup = { state: 'fresh' | 'stale'; response: CachedResponse } | { state: 'miss' };

/** What a fill produced: the response to send, and whether it may be kept. */
export interface Filled {
  response: CachedResponse;
  keep: boolean;
}

/** A miss's work started at this point in the purge sequence; a purge of one of its tags after that means it is stale. */
interface FillTicket {
  localSeq: number;
  sharedSeq: number | null;
}

/** Entries kept at most, whatever their size (the bound that matters is bytes). */
const MAX_ENTRIES = 100_000;
/** Entry overhead counted besides the body (object, strings' headers, tag index). */
const ENTRY_OVERHEAD_BYTES = 400;
/** How long purged tags are remembered for a fill still running (longer than any statement may take). */
const PURGE_MEMORY_SECONDS = 600;
/** Longest a tag's index set is kept in Redis without a new entry. */
const TAG_SET_SECONDS = 24 * 3600;
/** Purges remembered for fills in flight; more and every fill then in flight is simply not kept. */
const MAX_PURGE_LOG = 10_000;

/**
 * Stores a cached response unless one of its tags was purged after the fill began (KEYS: entry, sequence;
 * ARGV: the fill's sequence, ttl ms, entry JSON, tag-key prefix, purged-key prefix, entry key, then the tags).
 */
const STORE_UNLESS_PURGED = `
local start = tonumber(ARGV[1])
for i = 7, #ARGV do
  local purged = redis.call('GET', ARGV[5] .. ARGV[i])
  if purged and tonumber(purged) > start then return 0 end
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
for i = 7, #ARGV do
  redis.call('SADD', ARGV[4] .. ARGV[i], ARGV[6])
  redis.call('EXPIRE', ARGV[4] .. ARGV[i], ${TAG_SET_SECONDS})
end
return 1`;

/**
 * Purges tags: bumps the sequence, remembers each tag's purge, deletes the entries indexed under it
 * (KEYS: sequence; ARGV: tag-key prefix, purged-key prefix, entry-key prefix, then the tags).
 */
const PURGE_TAGS = `
local seq = redis.call('INCR', KEYS[1])
for i = 4, #ARGV do
  redis.call('SET', ARGV[2] .. ARGV[i], seq, 'EX', ${PURGE_MEMORY_SECONDS})
  local keys = redis.call('SMEMBERS', ARGV[1] .. ARGV[i])
  for _, key in ipairs(keys) do redis.call('DEL', ARGV[3] .. key) end
  redis.call('DEL', ARGV[1] .. ARGV[i])
end
return seq`;

export interface ResponseCacheOptions {
  maxBytes: number;
  /** Shared by every instance when set: entries, the tag index and purges live in Redis too. */
  redis: Redis | null;
  /** Key prefix in Redis (tests give each run its own). */
  redisPrefix?: string;
  log: Logger;
}

/**
 * Whole responses of public queries, by a key of (query, operation, variables, accepted type), in a memory LRU
 * bounded by bytes and, with Redis, in Redis so every instance shares them. Purged by tag (see cache-tags.ts), never
 * by guessing: an entry whose fill began before a purge of one of its tags is not kept, so a slow miss cannot put
 * back what a write just purged. Identical misses in one instance wait for one fill.
 */
export class ResponseCache {
  private readonly memory: LRUCache<string, CachedResponse>;
  private readonly keysByTag = new Map<string, Set<string>>();
  private readonly filling = new Map<string, { seq: number; filled: Promise<Filled> }>();
  /** Local purge sequence and the purges since the oldest fill in flight. */
  private localSeq = 0;
  private purgeLog: { seq: number; tags: ReadonlySet<string> }[] = [];
  private purgeLogFrom = 0;
  private readonly fillsInFlight = new Map<number, number>();
  private readonly redis: Redis | null;
  private readonly prefix: string;
  private subscriber: Redis | null = null;
  private readonly instanceId = randomUUID();
  private redisWarnedAt = 0;
  readonly counters = { hits: 0, fastHits: 0, staleHits: 0, misses: 0, fills: 0, stored: 0, notStored: 0, purges: 0 };

  constructor(private readonly options: ResponseCacheOptions) {
    this.redis = options.redis;
    this.prefix = options.redisPrefix ?? 'masthead:rc:';
    this.memory = new LRUCache<string, CachedResponse>({
      max: MAX_ENTRIES,
      maxSize: options.maxBytes,
      sizeCalculation: (entry, key) => entry.body.length + key.length + entry.tags.reduce((sum, tag) => sum + tag.length, 0) + ENTRY_OVERHEAD_BYTES,
      dispose: (entry, key) => this.unindex(key, entry.tags),
    });
  }

  /** Listens for other instances' purges (Redis pub/sub). Without Redis there is nobody else to hear. */
  async start(): Promise<void> {
    if (!this.redis) return;
    // Its own connection (a subscribed connection can do nothing else), which waits to connect rather than failing.
    this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', (error) => this.warnRedis(error));
    this.subscriber.on('message', (_channel, message: string) => {
      try {
        const { from, tags } = JSON.parse(message) as { from: string; tags: string[] };
        if (from !== this.instanceId) this.purgeMemory(tags);
      } catch (error) {
        this.options.log.warn({ err: error }, 'ignored a malformed response-cache purge message');
      }
    });
    // Not awaited: with Redis down, start-up goes on (entries are then not kept) and the subscription follows it up.
    void this.subscriber.subscribe(this.channel).catch((error: unknown) => this.warnRedis(error));
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  /** How full the memory tier is. */
  memoryFill(): CacheFill {
    return { entries: this.memory.size, maxEntries: MAX_ENTRIES, bytes: this.memory.calculatedSize, maxBytes: this.options.maxBytes };
  }

  /** The entry for `key` if it is in this instance's memory and fresh (the fast path's lookup: no Redis, no await). */
  freshInMemory(key: string, now = Date.now()): CachedResponse | undefined {
    const entry = this.memory.get(key);
    if (!entry || entry.freshUntil <= now) return undefined;
    this.counters.hits++;
    this.counters.fastHits++;
    return entry;
  }

  /** The entry for `key`, if fresh or still within stale-while-revalidate; memory first, then Redis. */
  async lookup(key: string, now = Date.now()): Promise<Lookup> {
    let entry = this.memory.get(key);
    if (!entry && this.redis) {
      const seq = this.localSeq;
      entry = await this.readShared(key);
      // A purge while Redis answered may have been of this very entry: send it this once, never keep it.
      if (entry && entry.staleUntil > now && this.localSeq === seq) this.keepInMemory(key, entry, now);
    }
    if (!entry || entry.staleUntil <= now) {
      this.counters.misses++;
      return { state: 'miss' };
    }
    if (entry.freshUntil > now) {
      this.counters.hits++;
      return { state: 'fresh', response: entry };
    }
    this.counters.staleHits++;
    return { state: 'stale', response: entry };
  }

  /**
   * Runs `work` and keeps what it returns with `keep: true`, unless a tag of it was purged while it ran. With `join`
   * (the request is known to be a query), concurrent callers of the same key wait for one run instead of their own.
   */
  async fill<F extends Filled>(key: string, work: () => Promise<F>, join: boolean): Promise<F> {
    if (!join) return this.runFill(key, work);
    const running = this.filling.get(key);
    // Only a fill begun since the last purge is joined: one begun before may read what a write has since changed.
    if (running && running.seq === this.localSeq) return running.filled as Promise<F>;
    const seq = this.localSeq;
    const filled = this.runFill(key, work).finally(() => {
      if (this.filling.get(key)?.filled === filled) this.filling.delete(key);
    });
    this.filling.set(key, { seq, filled });
    return filled;
  }

  /** Drops every entry here and in Redis (tests; an operator's big hammer). */
  async clear(): Promise<void> {
    this.purgeMemory([...this.keysByTag.keys()]);
    this.memory.clear();
    if (!this.redis) return;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      if (keys.length) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  /** Whether a fill for `key` is running (a stale entry's refresh is then not started again). */
  isFilling(key: string): boolean {
    return this.filling.has(key);
  }

  /** Drops every entry carrying one of `tags`, here, in Redis, and (through pub/sub) in every other instance. */
  async purge(tags: readonly string[]): Promise<void> {
    if (!tags.length) return;
    this.counters.purges++;
    this.purgeMemory(tags);
    if (!this.redis) return;
    try {
      await this.redis.eval(PURGE_TAGS, 1, `${this.prefix}seq`, `${this.prefix}t:`, `${this.prefix}p:`, `${this.prefix}e:`, ...tags);
      await this.redis.publish(this.channel, JSON.stringify({ from: this.instanceId, tags }));
    } catch (error) {
      // The entries elsewhere then live until their s-maxage: said loudly, since that is stale news.
      this.options.log.error({ err: error, tags: tags.length }, 'could not purge the shared response cache; other instances serve their copies until they expire');
    }
  }

  private get channel(): string {
    return `${this.prefix}purges`;
  }

  private async runFill<F extends Filled>(key: string, work: () => Promise<F>): Promise<F> {
    this.counters.fills++;
    const ticket = await this.startFill();
    try {
      const filled = await work();
      if (filled.keep) {
        const kept = await this.store(key, filled.response, ticket);
        this.counters[kept ? 'stored' : 'notStored']++;
      }
      return filled;
    } finally {
      this.endFill(ticket.localSeq);
    }
  }

  private async startFill(): Promise<FillTicket> {
    const localSeq = this.localSeq;
    this.fillsInFlight.set(localSeq, (this.fillsInFlight.get(localSeq) ?? 0) + 1);
    let sharedSeq: number | null = null;
    if (this.redis) {
      try {
        sharedSeq = Number((await this.redis.get(`${this.prefix}seq`)) ?? 0);
      } catch (error) {
        this.warnRedis(error);
      }
    }
    return { localSeq, sharedSeq };
  }

  private endFill(localSeq: number): void {
    const count = (this.fillsInFlight.get(localSeq) ?? 1) - 1;
    if (count > 0) this.fillsInFlight.set(localSeq, count);
    else this.fillsInFlight.delete(localSeq);
    // Purges older than every fill still running can no longer matter.
    const oldest = this.fillsInFlight.size ? Math.min(...this.fillsInFlight.keys()) : this.localSeq;
    const drop = this.purgeLog.findIndex((purge) => purge.seq > oldest);
    if (drop === -1) this.purgeLog = [];
    else if (drop > 0) this.purgeLog = this.purgeLog.slice(drop);
  }

  private purgedSince(seq: number, tags: readonly string[]): boolean {
    if (seq < this.purgeLogFrom) return true;
    return this.purgeLog.some((purge) => purge.seq > seq && tags.some((tag) => purge.tags.has(tag)));
  }

  private async store(key: string, response: CachedResponse, ticket: FillTicket): Promise<boolean> {
    const now = Date.now();
    if (response.staleUntil <= now || this.purgedSince(ticket.localSeq, response.tags)) return false;
    if (this.redis) {
      if (ticket.sharedSeq === null) return false; // without the shared sequence a racing purge could not be seen
      try {
        const stored = await this.redis.eval(
          STORE_UNLESS_PURGED,
          2,
          `${this.prefix}e:${key}`,
          `${this.prefix}seq`,
          String(ticket.sharedSeq),
          String(Math.max(1, response.staleUntil - now)),
          JSON.stringify(response),
          `${this.prefix}t:`,
          `${this.prefix}p:`,
          key,
          ...response.tags,
        );
        if (stored !== 1) return false;
      } catch (error) {
        this.warnRedis(error);
        return false;
      }
      // A purge heard from another instance while Redis stored it.
      if (this.purgedSince(ticket.localSeq, response.tags)) return false;
    }
    this.keepInMemory(key, response, now);
    return true;
  }

  private keepInMemory(key: string, response: CachedResponse, now: number): void {
    this.memory.set(key, response, { ttl: Math.max(1, response.staleUntil - now) });
    if (!this.memory.has(key)) return; // larger than the whole cache
    for (const tag of response.tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) this.keysByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.keysByTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (!keys.size) this.keysByTag.delete(tag);
    }
  }

  private purgeMemory(tags: readonly string[]): void {
    const seq = ++this.localSeq;
    if (this.fillsInFlight.size) {
      this.purgeLog.push({ seq, tags: new Set(tags) });
      if (this.purgeLog.length > MAX_PURGE_LOG) {
        // Too many purges to remember during a fill: every fill that began before the dropped ones is not kept.
        const dropped = this.purgeLog.splice(0, this.purgeLog.length - MAX_PURGE_LOG);
        this.purgeLogFrom = dropped[dropped.length - 1].seq;
      }
    }
    for (const tag of tags) {
      const keys = this.keysByTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) this.memory.delete(key);
    }
  }

  private async readShared(key: string): Promise<CachedResponse | undefined> {
    try {
      const text = await (this.redis as Redis).get(`${this.prefix}e:${key}`);
      return text ? (JSON.parse(text) as CachedResponse) : undefined;
    } catch (error) {
      this.warnRedis(error);
      return undefined;
    }
  }

  private warnRedis(error: unknown): void {
    if (Date.now() - this.redisWarnedAt < 60_000) return;
    this.redisWarnedAt = Date.now();
    this.options.log.warn({ err: error }, 'Redis unavailable for the shared response cache: serving from this instance only');
  }
}
