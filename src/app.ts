import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './config';
import { Redis } from 'ioredis';
import { printFirstAdminToken, type BannerOutput } from './auth/first-admin-token';
import { introspectionPolicy } from './auth/introspection';
import { createRequestContext, createServices, type RequestContext, type Services } from './context';
import { MailWorker } from './mail/mail.worker';
import { createDataSource, createGenericPlanPool, type DataSourceOptions } from './db/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded';
import { runMigrations } from './db/migrate';
import { seedDemoContent } from './db/seed';
import { Sql } from './db/sql';
import { SqlStatementCounter } from './db/sql-statement-counter';
import { createHttpApp } from './http';
import { buildAppSchema } from './schema';
import { createErrorFormatter, serviceUnavailableStatus } from './shared/format-error';
import { DirectReads } from './shared/direct-reads';
import { articleDirectReads } from './article/article.direct';
import { commentDirectReads } from './comment/comment.direct';
import { OperationsInFlight } from './shared/operations-in-flight';
import { forgetOldIdempotencyKeys } from './shared/idempotency';
import { createLogger } from './shared/logger';
import { queryCostPlugin, queryLimitRules } from './shared/query-limits';
import { BoundedKeyValueCache, type CacheFill } from './shared/query-caches';
import { createPersistedQueries } from './persisted-queries/persisted-queries';
import { requestGuards } from './shared/request-guards';
import { cachePolicyPlugin } from './cache/cache-plugin';
import { CachePurges } from './cache/content-changes';
import { createCdnPurger } from './cache/cdn-purge';
import { ResponseCache } from './cache/response-cache';
import { ScheduledPublications } from './cache/scheduled-publications';

/**
 * Connections for statements sent with a forced generic plan (`plan: 'generic'`: the article list, related articles,
 * the popular list): short statements, 0.2-3 ms each on the benchmark's data; eight instead of four gained nothing.
 */
const GENERIC_PLAN_CONNECTIONS = 4;

/** How long start-up waits for Redis before going on without it (limits then count per instance until it connects). */
const REDIS_READY_MS = 5_000;

async function waitUntilReady(redis: Redis, ms: number, log: Logger): Promise<void> {
  if (redis.status === 'ready') return;
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!ready) log.warn({ waitedMs: ms }, 'Redis is not reachable yet: starting anyway');
}

/** How often expired rate-limit counters and old idempotency keys are deleted from PostgreSQL. */
const SWEEP_MS = 5 * 60_000;
/** How often the popularity windows slide on; a popular list reads the raw events of at most about this long. */
const POPULARITY_SLIDE_MS = 60_000;

export interface App {
  readonly config: AppConfig;
  readonly log: Logger;
  readonly dataSource: DataSource;
  readonly apollo: ApolloServer<RequestContext>;
  readonly httpServer: http.Server;
  /** Every SQL statement the app has sent; tests and the benchmark read it around a request. */
  readonly sqlStatements: SqlStatementCounter;
  /** Queries answered without the executor (null when GRAPHQL_DIRECT_READS=false). */
  readonly directReads: DirectReads | null;
  readonly services: Services;
  /** Whole public responses (null when RESPONSE_CACHE=false). */
  readonly responseCache: ResponseCache | null;
  /** Purges cached lists when scheduled articles come due (started with the background work). */
  readonly scheduledPublications: ScheduledPublications;
  /** Delivers the mail outbox (on a timer unless `background: false`). */
  readonly mailWorker: MailWorker;
  /** How full each per-query cache is (bounded by QUERY_CACHE_ENTRIES and QUERY_CACHE_MB). */
  queryCacheFill(): Record<string, CacheFill>;
  /** Starts listening (port 0 picks a free one) and resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Drains in-flight HTTP requests, then closes the database (and the embedded server, if any). */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  log?: Logger;
  /** Apply pending migrations at start-up (default true). The test harness migrates once, before all suites. */
  migrate?: boolean;
  /** Run the background work (mail delivery, sweeping expired rate-limit counters and old views); tests drive it by hand. Default true. */
  background?: boolean;
  /** Where the first ADMIN token's one-time banner is printed (FIRST_ADMIN_TOKEN); default process.stdout. */
  bannerOutput?: BannerOutput;
}

/** The composition root: everything Masthead is made of is created and wired here, for main, tests and bench alike. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const embedded: EmbeddedPostgres | null = config.database.kind === 'embedded' ? await startEmbeddedPostgres(config.database.dataDir, log) : null;

  const sqlStatements = new SqlStatementCounter(log);
  const connection: DataSourceOptions = {
    url: embedded ? embedded.url : (config.database as { url: string }).url,
    poolSize: embedded ? embedded.poolSize : (config.database as { poolSize: number }).poolSize,
    statementTimeoutMs: config.database.statementTimeoutMs,
    logger: sqlStatements,
  };
  const dataSource = createDataSource(connection);
  try {
    await dataSource.initialize();
    if (options.migrate ?? true) await runMigrations(dataSource, log, { lock: !embedded });
    if (config.seedDemoContent) await seedDemoContent(dataSource, log);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }

  const schema = await buildAppSchema();
  // Redis only when configured: a single instance keeps its rate-limit counters in PostgreSQL, and its automatic
  // persisted queries in memory.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : null;
  redis?.on('error', (error) => log.warn({ err: error }, 'Redis unavailable: rate limits and persisted queries fall back to this instance'));
  if (redis) await waitUntilReady(redis, REDIS_READY_MS, log);
  // Only with prepared statements: a generic plan is a prepared statement's.
  const genericPlans = config.database.preparedStatements ? createGenericPlanPool(connection, GENERIC_PLAN_CONNECTIONS) : null;
  // An idle connection that breaks (a database restart) is an 'error' event on the pool: unheard, it would end the process.
  genericPlans?.on('error', (error) => log.warn({ err: error }, 'an idle generic-plan database connection failed; the pool replaces it'));
  const sql = new Sql(dataSource, sqlStatements, config.database.preparedStatements, genericPlans);
  // Whole responses of anonymous queries, purged by tag when content changes (src/cache/).
  const responseCache = config.responseCache.enabled ? new ResponseCache({ maxBytes: config.responseCache.maxBytes, redis, redisPrefix: `${config.redisKeyPrefix}rc:`, log }) : null;
  await responseCache?.start();
  // A CDN in front (CDN_PURGE_URL) is told the same tags.
  const cdnPurger = createCdnPurger(config.cdnPurge, log);
  const changes = new CachePurges(responseCache, cdnPurger, log);
  const services = createServices({ dataSource, sql, redis, config, log, changes });
  const scheduledPublications = new ScheduledPublications(dataSource, changes, log);
  changes.onArticleChange = () => scheduledPublications.reschedule();
  if (config.firstAdminToken) await printFirstAdminToken(services.auth, log, options.bannerOutput ?? process.stdout);
  const mailWorker = new MailWorker(dataSource, log, config.mail);
  const background = options.background ?? true;
  let sweeper: NodeJS.Timeout | null = null;
  let popularitySlider: NodeJS.Timeout | null = null;
  let refreshing: Promise<void> | null = null;
  if (background) {
    mailWorker.start();
    scheduledPublications.start();
    // The popularity windows slide on every minute (PopularityService.refreshWindowTotals); a run still going is not
    // started twice.
    const refreshPopularity = () =>
      (refreshing ??= services.popularity
        .refreshWindowTotals()
        .then((done) => void (done === 'rebuilt' && log.info('built the popularity window totals')))
        .catch((error: unknown) => log.warn({ err: error }, 'sliding the popularity window totals failed'))
        .finally(() => (refreshing = null)));
    void refreshPopularity();
    popularitySlider = setInterval(() => void refreshPopularity(), POPULARITY_SLIDE_MS);
    popularitySlider.unref();
    sweeper = setInterval(
      () =>
        void Promise.all([
          services.rateLimits.sweepExpired(),
          forgetOldIdempotencyKeys(dataSource),
          services.views.prune().then((deleted) => {
            if (deleted.views || deleted.visitors) log.info(deleted, 'pruned view events and visitors past VIEW_RETENTION_DAYS');
          }),
        ]).catch((error: unknown) => log.warn({ err: error }, 'sweeping rate limits, idempotency keys and old views failed')),
      SWEEP_MS,
    );
    sweeper.unref();
  }
  const httpServer = http.createServer();
  const operationsInFlight = new OperationsInFlight();
  const directReads = config.directReads ? new DirectReads(schema, [articleDirectReads, commentDirectReads], log, config.queryCaches.entries) : null;
  // Parsed and validated documents, by query text: bounded by count as well as Apollo's default measure (JSON bytes),
  // since everything else remembered per query is keyed by the query as well.
  const documentStore = new BoundedKeyValueCache<DocumentNode>(config.queryCaches.entries, config.queryCaches.documentBytes);
  // PERSISTED_QUERIES: automatic (memory, then Redis), only (the manifest's operations), or off.
  const persistedQueries = createPersistedQueries(config, redis, log);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    documentStore,
    persistedQueries: persistedQueries.apolloOption,
    // Decided per request by introspectionPolicy (staff always may).
    introspection: true,
    // CSRF prevention guards cookie-authenticated APIs: Masthead's only credential is a bearer token, which a browser
    // never attaches on its own, and mutations are POST-only (Apollo answers a GET mutation with 405). Plain GET
    // queries, which CDNs and browsers can cache, must work without a preflight header.
    csrfPrevention: false,
    hideSchemaDetailsFromClientErrors: !config.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: it drains HTTP, then closes the database, in that order.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(log),
    logger: log,
    parseOptions: { maxTokens: config.queryLimits.maxTokens },
    // Direct reads' answers carry JSON text PostgreSQL built; this writes it into the body as it is.
    ...(directReads ? { stringifyResult: directReads.stringifyResult } : {}),
    validationRules: queryLimitRules(config.queryLimits),
    plugins: [
      // First, so that its refusal (an operation that does not resolve, too deep, NUL in text) is the error sent.
      requestGuards(),
      // Second: a request the safelist refuses reaches the other plugins as a stand-in that they all let pass.
      ...persistedQueries.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.http.shutdownGraceMs }),
      operationsInFlight.plugin(),
      serviceUnavailableStatus(),
      queryCostPlugin(schema, config.queryLimits.maxCost),
      introspectionPolicy(config.introspection),
      // Once the operation is known (after the limits): its cache policy and tags (src/cache/cache-plugin.ts).
      cachePolicyPlugin({ maxAge: config.responseCache.maxAge, sharedMaxAge: config.responseCache.sharedMaxAge, staleWhileRevalidate: config.responseCache.staleWhileRevalidate }),
      // After the limits and the introspection policy (didResolveOperation), before execution.
      ...(directReads ? [directReads.plugin()] : []),
      // Browsers get Masthead's own playground (src/playground.ts), never Apollo's CDN-hosted Sandbox.
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's hints would wrap every field resolver in instrumentation; cache-policy.ts reads the query instead.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  httpServer.on(
    'request',
    createHttpApp({ config, log, apollo, dataSource, services, responseCache, createContext: (client, viewer) => createRequestContext(services, client, viewer) }),
  );

  let closed: Promise<void> | null = null;
  return {
    config,
    log,
    dataSource,
    apollo,
    httpServer,
    sqlStatements,
    directReads,
    services,
    responseCache,
    scheduledPublications,
    mailWorker,
    queryCacheFill: () => {
      const persistedQueryFill = persistedQueries.fill();
      return {
        documents: documentStore.fill(),
        ...(persistedQueryFill ? { persistedQueries: persistedQueryFill } : {}),
        ...(directReads ? { directReadSelections: directReads.selectionsFill() } : {}),
        ...(responseCache ? { responses: responseCache.memoryFill() } : {}),
      };
    },
    listen(port = config.http.port, host = config.http.host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost === '0.0.0.0' ? 'localhost' : shownHost}:${address.port}`);
        });
      });
    },
    close() {
      closed ??= (async () => {
        // One grace for the whole drain, so shutdown never takes longer than SHUTDOWN_GRACE_MS to reach the database.
        const graceEnds = Date.now() + config.http.shutdownGraceMs;
        await apollo.stop(); // the drain plugin closes the HTTP server and waits for in-flight requests
        log.debug('HTTP drained');
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // Operations whose clients hung up are still running: what is left of the grace is theirs.
        if (!(await operationsInFlight.whenIdle(Math.max(0, graceEnds - Date.now())))) {
          log.warn({ operations: operationsInFlight.size }, 'closing the database with GraphQL operations still running');
        }
        if (sweeper) clearInterval(sweeper);
        await scheduledPublications.stop();
        await responseCache?.close();
        await cdnPurger?.close();
        if (popularitySlider) clearInterval(popularitySlider);
        await refreshing;
        await mailWorker.stop();
        await services.views.flushed();
        redis?.disconnect();
        await sql.close();
        await dataSource.destroy();
        log.debug('database pool closed');
        await embedded?.stop();
      })();
      return closed;
    },
  };
}
