import 'reflect-metadata';
import { Pool, type PoolConfig } from 'pg';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { ArticleClient, ArticleView, ArticleVisitor, VisitorSalt } from '../analytics/article-view.entity';
import { ArticleViewDaily, ArticleViewHourly, ArticleViewTotal, PopularityState, PopularityWindowTotal } from '../analytics/view-rollup.entity';
import { Article } from '../article/article.entity';
import { Author } from '../author/author.entity';
import { ApiToken } from '../auth/api-token.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { ArticleCommentCount } from '../comment/comment-counts.entity';
import { Comment } from '../comment/comment.entity';
import { OutboxMail } from '../mail/mail-outbox.entity';
import { NewsletterMergedUnsubscribe, NewsletterSubscription } from '../newsletter/newsletter.entity';
import { IdempotencyRecord } from '../shared/idempotency.entity';
import { RateLimitCounter } from '../shared/rate-limit.entity';
import { Section } from '../taxonomy/section.entity';
import { Tag } from '../taxonomy/tag.entity';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [
  Author,
  Section,
  Tag,
  Article,
  Comment,
  ArticleCommentCount,
  NewsletterSubscription,
  NewsletterMergedUnsubscribe,
  OutboxMail,
  IdempotencyRecord,
  RateLimitCounter,
  ApiToken,
  AuditEntry,
  ArticleView,
  ArticleVisitor,
  ArticleClient,
  VisitorSalt,
  ArticleViewHourly,
  ArticleViewDaily,
  ArticleViewTotal,
  PopularityWindowTotal,
  PopularityState,
];

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  logger?: TypeOrmLogger;
  applicationName?: string;
}

/** Statements slower than this reach the log as warnings. */
export const SLOW_STATEMENT_MS = 500;

/**
 * The one way Masthead builds a TypeORM DataSource, for a PostgreSQL server or the embedded one (which speaks the same
 * protocol on a loopback port). Schema changes only ever come from MIGRATIONS: synchronize stays off.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite: no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logger: options.logger,
    maxQueryExecutionTime: SLOW_STATEMENT_MS,
    applicationName: options.applicationName ?? 'masthead',
    extra: connectionSettings(options, options.poolSize),
  });
}

/**
 * A small pool of its own for statements whose plans PostgreSQL should cache generically even where its own choice
 * would be to plan every call afresh (see Sql.rows' `plan: 'generic'`). Same server and settings as the DataSource's.
 */
export function createGenericPlanPool(options: DataSourceOptions, size: number): Pool {
  return new Pool({
    connectionString: options.url,
    application_name: options.applicationName ?? 'masthead',
    ...connectionSettings(options, size, '-c plan_cache_mode=force_generic_plan'),
  });
}

function connectionSettings(options: DataSourceOptions, max: number, serverOptions = ''): PoolConfig {
  return {
    max,
    // Connections stay open through a lull (pg closes idle ones after 10 s by default): a new one starts a backend
    // whose first statements load its catalog caches and plans, which showed as bunched 50–200 ms stalls when a
    // burst opened several at once.
    idleTimeoutMillis: 10 * 60_000,
    // Fail fast instead of hanging when the pool is exhausted or the server is unreachable.
    connectionTimeoutMillis: 10_000,
    statement_timeout: options.statementTimeoutMs,
    idle_in_transaction_session_timeout: 60_000,
    // JIT compiling pays off for long analytic scans, not for a gateway's millisecond statements: a query whose
    // estimate merely looks big (the popularity windows') spent 600 ms compiling to run for 20.
    options: `-c jit=off ${serverOptions}`.trim(),
  };
}
