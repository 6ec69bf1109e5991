import path from 'node:path';
import { z } from 'zod';
import type { CdnPurgeSettings } from './cache/cdn-purge';
import { ManifestError, readManifest, type PersistedQueryManifest } from './persisted-queries/manifest';
import type { QueryCacheBounds } from './shared/query-caches';

/**
 * Every environment variable Masthead reads, parsed and validated once at start-up.
 * A bad value stops start-up with a message naming the variable; nothing else in the code reads process.env.
 */
const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const postgresUrl = z
  .string()
  .url()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must start with postgres:// or postgresql://');

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** The public site the gateway serves; article URLs and share links are built from it. */
  PUBLIC_BASE_URL: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL')
    .default('http://localhost:3000'),
  /** Path of an article on the public site; {slug}, {id}, {yyyy}, {mm} and {dd} are filled in. */
  ARTICLE_PATH_TEMPLATE: z
    .string()
    .regex(/^\/.*\{slug\}|^\/.*\{id\}/, 'must start with / and contain {slug} or {id}')
    .default('/{yyyy}/{mm}/{dd}/{slug}'),
  /** A PostgreSQL server. When unset, Masthead runs an embedded PostgreSQL (PGlite) in EMBEDDED_DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /**
   * Send hot reads as named prepared statements (parsed and planned once per connection). Turn off behind a pooler
   * that cannot keep them (PgBouncer in transaction mode before 1.21). Always off for the embedded database.
   */
  DATABASE_PREPARED_STATEMENTS: booleanString.default(true),
  EMBEDDED_DATA_DIR: z.string().min(1).default('.data/pglite'),
  /** Seed demo content when the database has no content yet. Defaults to on for the embedded database only. */
  SEED_DEMO_CONTENT: booleanString.optional(),
  /**
   * On a start where no API token was ever issued, issue an ADMIN token and print it once on stdout, so the first staff
   * member can sign in while the gateway runs (see src/auth/first-admin-token.ts).
   */
  FIRST_ADMIN_TOKEN: booleanString.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Browser origins allowed to call /graphql, comma-separated; * allows any (the API is public and uses no cookies). */
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.union([z.literal('*'), z.string().url()])).min(1))
    .default(['*']),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(100 * 1024),
  STAFF_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(2 * 1024 * 1024),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(100).default(24),
  MAX_QUERY_COST: z.coerce.number().int().min(10).max(10_000_000).default(20_000),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(0).max(1000).default(30),
  MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(5),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(5_000),
  /**
   * Distinct queries kept parsed and validated, and with their direct reads' selections and SQL (ten times as many
   * automatic persisted queries), least recently used out first. Memory levels off at about this many queries' worth.
   */
  QUERY_CACHE_ENTRIES: z.coerce.number().int().min(10).max(100_000).default(500),
  /** Megabytes of parsed query documents kept (besides QUERY_CACHE_ENTRIES), and of automatic persisted queries. */
  QUERY_CACHE_MB: z.coerce.number().int().min(1).max(1024).default(16),
  /**
   * Keep whole responses of public (anonymous) queries in the gateway, purged by tag when content changes
   * (src/cache/). With REDIS_URL, instances share them and each other's purges.
   */
  RESPONSE_CACHE: booleanString.default(true),
  /** Megabytes of responses each instance keeps in memory (least recently used out first). */
  RESPONSE_CACHE_MB: z.coerce.number().int().min(1).max(16_384).default(64),
  /** Seconds browsers may keep a public response (Cache-Control max-age); nothing purges a browser's copy. */
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Seconds shared caches (the gateway's own, a CDN) keep a public response; purges end it early (s-maxage). */
  CACHE_SHARED_MAX_AGE: z.coerce.number().int().min(0).max(7 * 86_400).default(300),
  /** Seconds a stale public response may still be served while one refresh runs (stale-while-revalidate). */
  CACHE_STALE_WHILE_REVALIDATE: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Prefix of every key and channel Masthead uses in Redis (several deployments can share one Redis). */
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('masthead:'),
  /** Answer the public article list and teasers without the executor (src/shared/direct-reads.ts). */
  GRAPHQL_DIRECT_READS: booleanString.default(true),
  /** Serve the GraphiQL playground to browsers on GET /graphql; defaults to off when NODE_ENV=production. */
  PLAYGROUND: booleanString.optional(),
  /** Introspection for anonymous callers; defaults to off when NODE_ENV=production. */
  INTROSPECTION: booleanString.optional(),
  /** How long SIGTERM waits for in-flight requests before closing connections. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),

  /**
   * Signs readers' viewer tokens and keys the hashes of IP addresses. Required in production (at least 32 characters);
   * elsewhere a fixed development secret stands in.
   */
  MASTHEAD_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * Which proxies to believe about the client's address (X-Forwarded-For): false (none: the socket's address), true
   * (any), a number of hops, or comma-separated addresses/CIDRs, as Express's "trust proxy".
   */
  TRUST_PROXY: z
    .string()
    .transform((value): boolean | number | string[] =>
      value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value.split(',').map((part) => part.trim()),
    )
    .default(false),
  /**
   * Redis for rate limits and automatic persisted queries shared by several instances; unset, rate limits live in
   * PostgreSQL and persisted queries in each instance's memory.
   */
  REDIS_URL: z
    .string()
    .url()
    .refine((value) => /^rediss?:\/\//.test(value), 'must start with redis:// or rediss://')
    .optional(),

  /**
   * Where purges of cache tags go when content changes (src/cache/cdn-purge.ts). Unset: no CDN is purged. For xkey,
   * Varnish itself (any path; docs/varnish/masthead.vcl); for fastly, https://api.fastly.com/service/<id>/purge; for
   * cloudflare, https://api.cloudflare.com/client/v4/zones/<id>/purge_cache. No credentials in the URL: see CDN_PURGE_TOKEN.
   */
  CDN_PURGE_URL: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL')
    .refine((value) => !new URL(value).username && !new URL(value).password, 'must not carry credentials (put the secret in CDN_PURGE_TOKEN)')
    .optional(),
  /** How to purge: xkey (Varnish with vmod xkey), fastly (purge by surrogate key) or cloudflare (purge by cache tag). */
  CDN_PURGE_STYLE: z.enum(['xkey', 'fastly', 'cloudflare']).default('xkey'),
  /**
   * The purge API's secret: sent as Fastly-Key (fastly) or Authorization: Bearer (cloudflare, and xkey when set, for a
   * proxy in front of Varnish that checks it). Required for fastly and cloudflare.
   */
  CDN_PURGE_TOKEN: z.string().min(1).optional(),

  /**
   * Persisted queries: automatic (Apollo's APQ: any client may register a query text by its sha256), only (safelist:
   * only the operations of PERSISTED_QUERY_MANIFEST run, unless the request has a staff token) or off (no APQ).
   */
  PERSISTED_QUERIES: z.enum(['automatic', 'only', 'off']).default('automatic'),
  /** The safelist for PERSISTED_QUERIES=only, in Apollo's manifest format; relative to the working directory. */
  PERSISTED_QUERY_MANIFEST: z.string().min(1).default('persisted-queries.json'),
  /** How long an automatic persisted query is kept in Redis after it was registered. */
  PERSISTED_QUERY_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(24),

  /** Status of a comment that no rule decides: PENDING (held for moderation) or APPROVED (shown at once). */
  COMMENT_DEFAULT_STATUS: z.enum(['PENDING', 'APPROVED']).default('PENDING'),
  /** A comment with this many links or more is held for moderation. */
  COMMENT_HOLD_LINKS: z.coerce.number().int().min(1).max(100).default(2),
  /** Comma-separated words or phrases that mark a comment as spam (case-insensitive). */
  COMMENT_BLOCKED_WORDS: z
    .string()
    .transform((value) => value.split(',').map((word) => word.trim().toLowerCase()).filter(Boolean))
    .default([]),
  /** Deepest reply allowed: 1 lets readers reply to top-level comments only. */
  COMMENT_MAX_DEPTH: z.coerce.number().int().min(0).max(50).default(5),
  /** One comment per client address, and per e-mail address, within this many seconds. */
  COMMENT_FLOOD_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /** How long after posting a reader may edit or delete their comment with its viewer token. */
  COMMENT_EDIT_MINUTES: z.coerce.number().int().min(0).max(1440).default(15),
  /** How long a viewer token lets a reader see their own pending comments. */
  VIEWER_TOKEN_DAYS: z.coerce.number().int().min(1).max(365).default(30),

  /** The confirmation link in the double opt-in mail; {token} is filled in. A page of the public site. */
  NEWSLETTER_CONFIRM_URL: z
    .string()
    .url()
    .refine((value) => value.includes('{token}'), 'must contain {token}')
    .optional(),
  /** Where this gateway is reachable from the public internet (for one-click unsubscribe links in mails). */
  GATEWAY_PUBLIC_URL: z.string().url().optional(),
  /** Confirmation mails per e-mail address per hour. */
  NEWSLETTER_MAILS_PER_ADDRESS_HOUR: z.coerce.number().int().min(1).max(100).default(4),
  /** Sign-ups per client address per 12 hours, across e-mail addresses. */
  NEWSLETTER_SIGNUPS_PER_CLIENT_12H: z.coerce.number().int().min(1).max(10_000).default(8),

  /** An SMTP server (smtp:// or smtps://, credentials in the URL). Unset: mails are logged, with their links, instead of sent. */
  SMTP_URL: z
    .string()
    .url()
    .refine((value) => /^smtps?:\/\//.test(value), 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Masthead <newsletter@localhost>'),
  /** How often the mail worker looks for mail to send. */
  MAIL_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(2_000),

  /** A visitor's repeat views of an article within this many minutes count once. */
  VIEW_DEDUPE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /**
   * How long raw view events are kept (rollups are kept for good). At least 31: the 30-day window reads the raw
   * events of its first, partial hour.
   */
  VIEW_RETENTION_DAYS: z.coerce.number().int().min(31).max(3650).default(35),
  /** Views one client address may report per minute, counted across instances (Redis or PostgreSQL); more is RATE_LIMITED. */
  VIEWS_PER_CLIENT_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1_200),
  /**
   * Counted views one client address can add to one article per VIEW_DEDUPE_MINUTES, whatever visitorIds it sends;
   * more are answered REPEAT. Not 1: readers behind one office or mobile-carrier address share it.
   */
  VIEWS_PER_CLIENT_ARTICLE: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /** Trending: each hour's views are divided by (age in hours + 2) to this power. Higher forgets faster. */
  TRENDING_GRAVITY: z.coerce.number().min(0).max(10).default(1.5),
  /**
   * Where popularity windows are counted: rollups (hourly and daily tables, the default) or raw (the view events
   * themselves; slower, for checking rollups and for the benchmark's comparison).
   */
  POPULARITY_SOURCE: z.enum(['rollups', 'raw']).default('rollups'),
});

/** The name of every variable Masthead reads (.env.example lists each; a test checks). */
export const CONFIG_VARIABLES = Object.keys(environmentSchema.shape);

export type DatabaseConfig =
  | { kind: 'server'; url: string; poolSize: number; statementTimeoutMs: number; preparedStatements: boolean }
  | { kind: 'embedded'; dataDir: string; statementTimeoutMs: number; preparedStatements: false };

export interface AppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly maxBodyBytes: number;
    /** For requests with a valid staff token: article bodies run long. */
    readonly staffMaxBodyBytes: number;
    readonly shutdownGraceMs: number;
    readonly corsOrigins: readonly string[];
  };
  readonly publicSite: { readonly baseUrl: string; readonly articlePathTemplate: string };
  readonly database: Readonly<DatabaseConfig>;
  readonly seedDemoContent: boolean;
  readonly firstAdminToken: boolean;
  readonly logLevel: string;
  readonly queryLimits: {
    readonly maxDepth: number;
    readonly maxCost: number;
    readonly maxAliases: number;
    readonly maxDirectives: number;
    readonly maxTokens: number;
  };
  readonly queryCaches: QueryCacheBounds;
  readonly introspection: boolean;
  readonly directReads: boolean;
  readonly playground: boolean;
  readonly secret: string;
  readonly trustProxy: boolean | number | readonly string[];
  readonly redisUrl: string | null;
  readonly redisKeyPrefix: string;
  readonly responseCache: {
    readonly enabled: boolean;
    readonly maxBytes: number;
    /** Defaults for public fields without a hint of their own, in seconds (src/cache/cache-policy.ts). */
    readonly maxAge: number;
    readonly sharedMaxAge: number;
    readonly staleWhileRevalidate: number;
  };
  /** Null when CDN_PURGE_URL is unset: nothing outside the gateway is purged. */
  readonly cdnPurge: Readonly<CdnPurgeSettings> | null;
  readonly persistedQueries: PersistedQueriesConfig;
  readonly comments: {
    readonly defaultStatus: 'PENDING' | 'APPROVED';
    readonly holdLinks: number;
    readonly blockedWords: readonly string[];
    readonly maxDepth: number;
    readonly floodSeconds: number;
    readonly editMinutes: number;
    readonly viewerTokenDays: number;
  };
  readonly newsletter: {
    readonly confirmUrl: string;
    readonly unsubscribeUrl: string;
    readonly mailsPerAddressHour: number;
    readonly signupsPerClient12h: number;
  };
  readonly mail: { readonly smtpUrl: string | null; readonly from: string; readonly pollMs: number };
  readonly views: {
    readonly dedupeMinutes: number;
    readonly retentionDays: number;
    readonly perClientMinute: number;
    readonly perClientArticle: number;
    readonly trendingGravity: number;
    readonly popularitySource: 'rollups' | 'raw';
  };
}

/** How persisted queries work (PERSISTED_QUERIES and the variables after it). */
export type PersistedQueriesConfig =
  | {
      readonly mode: 'automatic';
      /** How long an entry lives in Redis (PERSISTED_QUERY_TTL_HOURS). */
      readonly ttlSeconds: number;
      readonly redisKeyPrefix: string;
    }
  /** Safelist: the manifest was read and checked at start-up. */
  | { readonly mode: 'only'; readonly manifestFile: string; readonly manifest: PersistedQueryManifest }
  | { readonly mode: 'off' };

/** Stands in for MASTHEAD_SECRET outside production, so development needs no setup; never valid in production. */
const DEVELOPMENT_SECRET = 'masthead-development-secret-not-for-production';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment (process.env by default) into a frozen AppConfig, or throws ConfigError naming each bad variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "unset": a blank line in .env should not override a default.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const received = name in present ? ` (got ${JSON.stringify(present[name])})` : '';
      return `  ${name}: ${issue.message}${received}`;
    });
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && !env.MASTHEAD_SECRET) {
    throw new ConfigError('Invalid configuration:\n  MASTHEAD_SECRET: required when NODE_ENV=production (at least 32 random characters)');
  }
  if (env.CDN_PURGE_URL && env.CDN_PURGE_STYLE !== 'xkey' && !env.CDN_PURGE_TOKEN) {
    throw new ConfigError(`Invalid configuration:\n  CDN_PURGE_TOKEN: required when CDN_PURGE_STYLE=${env.CDN_PURGE_STYLE} (the purge API's token)`);
  }
  const gatewayUrl = (env.GATEWAY_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const publicBaseUrl = env.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const database: DatabaseConfig = env.DATABASE_URL
    ? {
        kind: 'server',
        url: env.DATABASE_URL,
        poolSize: env.DATABASE_POOL_SIZE,
        statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
        preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
      }
    : // PGlite is one session behind every connection: a statement prepared on one would clash on the next.
      { kind: 'embedded', dataDir: env.EMBEDDED_DATA_DIR, statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS, preparedStatements: false };

  return deepFreeze({
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      maxBodyBytes: env.MAX_BODY_BYTES,
      staffMaxBodyBytes: Math.max(env.STAFF_MAX_BODY_BYTES, env.MAX_BODY_BYTES),
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      corsOrigins: env.CORS_ORIGINS,
    },
    publicSite: { baseUrl: publicBaseUrl, articlePathTemplate: env.ARTICLE_PATH_TEMPLATE },
    database,
    seedDemoContent: env.SEED_DEMO_CONTENT ?? database.kind === 'embedded',
    firstAdminToken: env.FIRST_ADMIN_TOKEN,
    logLevel: env.LOG_LEVEL,
    queryLimits: {
      maxDepth: env.MAX_QUERY_DEPTH,
      maxCost: env.MAX_QUERY_COST,
      maxAliases: env.MAX_QUERY_ALIASES,
      maxDirectives: env.MAX_QUERY_DIRECTIVES,
      maxTokens: env.MAX_QUERY_TOKENS,
    },
    queryCaches: { entries: env.QUERY_CACHE_ENTRIES, documentBytes: env.QUERY_CACHE_MB * 1024 * 1024 },
    introspection: env.INTROSPECTION ?? env.NODE_ENV !== 'production',
    directReads: env.GRAPHQL_DIRECT_READS,
    // Off in production unless asked for: an IDE of megabytes for anonymous callers, which a public API does not need.
    playground: env.PLAYGROUND ?? env.NODE_ENV !== 'production',
    secret: env.MASTHEAD_SECRET ?? DEVELOPMENT_SECRET,
    trustProxy: env.TRUST_PROXY,
    redisUrl: env.REDIS_URL ?? null,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    responseCache: {
      enabled: env.RESPONSE_CACHE,
      maxBytes: env.RESPONSE_CACHE_MB * 1024 * 1024,
      maxAge: env.CACHE_MAX_AGE,
      sharedMaxAge: env.CACHE_SHARED_MAX_AGE,
      staleWhileRevalidate: env.CACHE_STALE_WHILE_REVALIDATE,
    },
    cdnPurge: env.CDN_PURGE_URL ? { url: env.CDN_PURGE_URL, style: env.CDN_PURGE_STYLE, token: env.CDN_PURGE_TOKEN ?? null } : null,
    persistedQueries: persistedQueriesConfig(env),
    comments: {
      defaultStatus: env.COMMENT_DEFAULT_STATUS,
      holdLinks: env.COMMENT_HOLD_LINKS,
      blockedWords: env.COMMENT_BLOCKED_WORDS,
      maxDepth: env.COMMENT_MAX_DEPTH,
      floodSeconds: env.COMMENT_FLOOD_SECONDS,
      editMinutes: env.COMMENT_EDIT_MINUTES,
      viewerTokenDays: env.VIEWER_TOKEN_DAYS,
    },
    newsletter: {
      confirmUrl: env.NEWSLETTER_CONFIRM_URL ?? `${publicBaseUrl}/newsletter/confirm?token={token}`,
      unsubscribeUrl: `${gatewayUrl}/newsletter/unsubscribe?token={token}`,
      mailsPerAddressHour: env.NEWSLETTER_MAILS_PER_ADDRESS_HOUR,
      signupsPerClient12h: env.NEWSLETTER_SIGNUPS_PER_CLIENT_12H,
    },
    mail: { smtpUrl: env.SMTP_URL ?? null, from: env.MAIL_FROM, pollMs: env.MAIL_POLL_MS },
    views: {
      dedupeMinutes: env.VIEW_DEDUPE_MINUTES,
      retentionDays: env.VIEW_RETENTION_DAYS,
      perClientMinute: env.VIEWS_PER_CLIENT_MINUTE,
      perClientArticle: env.VIEWS_PER_CLIENT_ARTICLE,
      trendingGravity: env.TRENDING_GRAVITY,
      popularitySource: env.POPULARITY_SOURCE,
    },
  });
}

function persistedQueriesConfig(env: z.infer<typeof environmentSchema>): PersistedQueriesConfig {
  if (env.PERSISTED_QUERIES === 'off') return { mode: 'off' };
  if (env.PERSISTED_QUERIES === 'automatic') {
    return { mode: 'automatic', ttlSeconds: env.PERSISTED_QUERY_TTL_HOURS * 3600, redisKeyPrefix: `${env.REDIS_KEY_PREFIX}apq:` };
  }
  const manifestFile = path.resolve(env.PERSISTED_QUERY_MANIFEST);
  try {
    return { mode: 'only', manifestFile, manifest: readManifest(manifestFile) };
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    // Without its list, a safelisted gateway could only refuse everything: better not to start.
    throw new ConfigError(
      `Invalid configuration:\n  PERSISTED_QUERY_MANIFEST: ${error.message} (needed by PERSISTED_QUERIES=only; generate it with npm run persisted-queries:generate)`,
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
