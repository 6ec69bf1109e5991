import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DataSource, EntityManager } from 'typeorm';
import type { Sql } from '../db/sql';
import { AppError } from './errors';

/** A limit: at most `points` actions per `durationSeconds`, per key. */
export interface RateRule {
  /** Namespaces the keys; one name per rule. */
  name: string;
  points: number;
  durationSeconds: number;
  /** The RATE_LIMITED message; a generic "Too many attempts" when left out. */
  refusal?: (retryAfterSeconds: number) => string;
  /**
   * In Redis: once a key has used up its points, refuse it from this instance's memory until its window ends instead
   * of asking Redis again, so a client hammering past its limit costs a round trip only once per instance.
   */
  refuseFromMemoryWhenSpent?: boolean;
}

export interface RequestRateLimits {
  consume(rule: RateRule, key: string, transaction?: EntityManager): Promise<RateLimiterRes>;
  tryConsume(rule: RateRule, key: string, transaction?: EntityManager): Promise<boolean>;
  /** Gives back what this request took (Redis only; PostgreSQL counters roll back with the transaction). */
  refund(): Promise<void>;
}

/**
 * Rate limits with rate-limiter-flexible, counted where several instances share them: in PostgreSQL by default (the
 * rate_limit table), in Redis when REDIS_URL is set. In PostgreSQL a limit can be taken inside the caller's
 * transaction, so an action that is rolled back (a refused duplicate, say) gives its point back.
 */
/** RATE_LIMITED for a limiter's refusal, with retryAfterSeconds (at least 1) in the message and the extensions. */
export function rateLimited(refusal: RateLimiterRes, message: (retryAfterSeconds: number) => string): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
  return new AppError('RATE_LIMITED', message(retryAfterSeconds), { retryAfterSeconds });
}

export class RateLimits {
  private readonly redisLimiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly sql: Sql,
    private readonly redis: Redis | null,
  ) {}

  /**
   * Takes `points` (one by default) for `key`; throws RATE_LIMITED (with retryAfterSeconds) when the rule's points
   * would be exceeded. Points asked for and refused still count (as rate-limiter-flexible does).
   */
  async consume(rule: RateRule, key: string, transaction?: EntityManager, points = 1): Promise<RateLimiterRes> {
    try {
      return await this.limiter(rule, transaction).consume(key, points);
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        throw rateLimited(outcome, rule.refusal ?? ((seconds) => `Too many attempts. Please wait ${seconds} seconds and try again.`));
      }
      throw outcome;
    }
  }

  /**
   * The prefix of `rule`'s keys in the rate_limit table when counters live in PostgreSQL (rate-limiter-flexible's
   * layout: prefix, then the caller's key), for a caller that counts inside a statement of its own (ViewRecorder);
   * null when they live in Redis, where consume() is the way.
   */
  postgresKeyPrefix(rule: RateRule): string | null {
    return this.redis ? null : `${rule.name}:`;
  }

  /** As consume(), but answers false instead of throwing when the points are used up. */
  async tryConsume(rule: RateRule, key: string, transaction?: EntityManager): Promise<boolean> {
    try {
      await this.consume(rule, key, transaction);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'RATE_LIMITED') return false;
      throw error;
    }
  }

  private limiter(rule: RateRule, transaction?: EntityManager): RateLimiterAbstract {
    const options = { keyPrefix: rule.name, points: rule.points, duration: rule.durationSeconds };
    if (this.redis) {
      let limiter = this.redisLimiters.get(rule.name);
      if (!limiter) {
        limiter = new RateLimiterRedis({
          ...options,
          ...(rule.refuseFromMemoryWhenSpent ? { inMemoryBlockOnConsumed: rule.points } : {}),
          storeClient: this.redis,
          // While Redis is unreachable each instance limits on its own instead of failing the request.
          insuranceLimiter: new RateLimiterMemory(options),
        });
        this.redisLimiters.set(rule.name, limiter);
      }
      return limiter;
    }
    // Cheap to build: the table exists (a migration made it) and expired rows are swept by sweepExpired().
    const query = transaction
      ? async ({ text, values }: { text: string; values: unknown[] }) => ({ rows: await transaction.query(text, values) })
      : async ({ text, values }: { text: string; values: unknown[] }) => ({ rows: await this.sql.rows(text, values) });
    return new RateLimiterPostgres({ ...options, storeClient: { query }, storeType: 'client', tableName: 'rate_limit', tableCreated: true, clearExpiredByTimeout: false });
  }

  /**
   * Points taken for one request that may still be refused. In PostgreSQL the points are part of the request's
   * transaction and vanish with its rollback; Redis has no such transaction, so a refused request gives its points
   * back with refund(). Either way a refused request counts for nothing.
   */
  forRequest(): RequestRateLimits {
    const taken: { rule: RateRule; key: string }[] = [];
    const viaRedis = Boolean(this.redis);
    return {
      consume: async (rule, key, transaction) => {
        const result = await this.consume(rule, key, transaction);
        if (viaRedis) taken.push({ rule, key });
        return result;
      },
      tryConsume: async (rule, key, transaction) => {
        const allowed = await this.tryConsume(rule, key, transaction);
        if (allowed && viaRedis) taken.push({ rule, key });
        return allowed;
      },
      refund: async () => {
        await Promise.all(taken.splice(0).map(({ rule, key }) => this.limiter(rule).reward(key, 1)));
      },
    };
  }

  /**
   * Runs one request's `work` in a transaction, with limits taken for that request: if the work fails, its points
   * vanish with the rollback (PostgreSQL) or are given back (Redis).
   */
  async inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager, limits: RequestRateLimits) => Promise<T>): Promise<T> {
    const limits = this.forRequest();
    try {
      return await dataSource.transaction((manager) => work(manager, limits));
    } catch (error) {
      await limits.refund();
      throw error;
    }
  }

  /** Deletes PostgreSQL counters that expired more than an hour ago. */
  async sweepExpired(): Promise<void> {
    if (!this.redis) await this.sql.rows('DELETE FROM "rate_limit" WHERE "expire" < $1', [Date.now() - 3_600_000]);
  }
}
