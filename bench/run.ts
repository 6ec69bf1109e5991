import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { visitorIdHash } from '../src/analytics/visitor';
import { benchDatabaseUrl, pollUntil, withDatabase } from './bench-database';
import { GATEWAY_NODE_ARGS } from './gateway-node-args';
import type { GatewayStats } from './gateway-process';
import { localPostgresCpuMs } from './postgres-cpu';
import type { Measurement, SteadyResult } from './steady-load-process';
import { ARTICLE_PAGE_QUERY, FRONT_PAGE_QUERY, POPULAR_QUERY, RECORD_VIEW_MUTATION } from './queries';

/**
 * `npm run bench`: autocannon against the gateway (a child process, on the seeded benchmark database) and, in the
 * same run, against a bare Node server answering the same bytes (the ceiling). Prints req/s, p50, p99, SQL statements
 * per request, gateway CPU ms per request, gateway RSS, and the gateway's share of the ceiling.
 *
 * Then analytics: popularArticles(LAST_7_DAYS) from the rollups, and, in the same run, from a second gateway that
 * computes the same answer from the raw view events (POPULARITY_SOURCE=raw), and recordArticleView throughput with
 * every acknowledged view looked up afterwards.
 *
 * `npm run bench -- pages` or `npm run bench -- analytics` runs one part only.
 * Settings (environment): BENCH_CONNECTIONS (32), BENCH_DURATION_S (10), BENCH_WARMUP_S (3).
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const RSS_SAMPLE_MS = 200;

interface Scenario {
  name: string;
  path: string;
  body: string;
}

/** A read served from the gateway's response cache: by GET (path and query string) or by POST (body). */
interface CachedScenario {
  name: string;
  /** The ceiling's path for the same bytes. */
  ceilingPath: string;
  get: string | null;
  body: string | null;
}

interface GatewayMeasurement extends Measurement {
  sqlPerRequest: number;
  cpuMsPerRequest: number;
  /** All local PostgreSQL processes' CPU per request; null when the database is not on this machine. */
  postgresCpuMsPerRequest: number | null;
  peakRssMb: number;
}

function start(script: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const execArgv = script === 'gateway-process.js' ? GATEWAY_NODE_ARGS : [];
  const child = fork(path.join(__dirname, script), [], { env, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.on('message', (message: { url?: string }) => {
      if (message.url) resolve({ child, url: message.url });
    });
  });
}

function startSteadyLoader(): Promise<ChildProcess> {
  const child = fork(path.join(__dirname, 'steady-load-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) => child.once('message', () => resolve(child)));
}

function ask<T>(child: ChildProcess, request: unknown, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (key in message) {
        child.off('message', onMessage);
        resolve(message[key] as T);
      }
    };
    child.on('message', onMessage);
    child.send(request as string);
  });
}

/** A POST of `body`, or a GET of `url` (a query in its query string, as CDNs and urql send them) when `body` is null. */
async function load(url: string, body: string | null, seconds: number, extra: Partial<autocannon.Options> = {}): Promise<Measurement> {
  const result = await autocannon({
    url,
    ...(body === null ? { method: 'GET' as const } : { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body }),
    connections: CONNECTIONS,
    duration: seconds,
    ...extra,
  });
  return summarise(result);
}

function summarise(result: autocannon.Result): Measurement {
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Reads for the mixed load: front page and article page in turn. */
function readRequests(scenarios: Scenario[]): autocannon.Request[] {
  return scenarios.map((scenario) => ({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: scenario.body }));
}

const ADD_COMMENT = `mutation Post($input: AddCommentInput!) { addComment(input: $input) { comment { id status } } }`;

interface MixedResult {
  reads: Measurement;
  writes: Measurement;
  acknowledged: string[];
  lost: number;
  duplicated: number;
}

/**
 * 95% reads, 5% addComment: the reads at full speed, and beside them the writes at one for every 19 reads of the
 * read-only baseline, each from a different simulated reader (its own address and e-mail). Like the read-only run it
 * is compared with, it is measured after a warm-up of the same load (the write path is cold until then). Then every
 * acknowledged comment id, warm-up included, is looked up: each must be stored exactly once.
 */
async function mixedLoad(gatewayUrl: string, databaseUrl: string, scenarios: Scenario[], articleIds: string[], readOnlyRps: number): Promise<MixedResult> {
  const runId = Date.now().toString(36);
  let sequence = 0;
  const acknowledged: string[] = [];
  const writeRate = Math.max(1, Math.ceil(readOnlyRps / 19));
  const writes = (seconds: number) =>
    autocannon({
      url: `${gatewayUrl}/graphql`,
      connections: 2,
      overallRate: writeRate,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/graphql',
          setupRequest: (request) => {
            sequence += 1;
            const n = sequence;
            return {
              ...request,
              headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
              body: JSON.stringify({
                query: ADD_COMMENT,
                variables: {
                  input: {
                    articleId: articleIds[n % articleIds.length],
                    authorName: `Bench reader ${n}`,
                    authorEmail: `bench-${runId}-${n}@example.com`,
                    body: `Benchmark comment ${runId}/${n}: a reader's view of the story.`,
                  },
                },
              }),
            };
          },
          onResponse: (status, body) => {
            if (status !== 200) return;
            const id = (JSON.parse(body) as { data?: { addComment?: { comment?: { id?: string } } } }).data?.addComment?.comment?.id;
            if (id) acknowledged.push(id);
          },
        },
      ],
    });
  const reads = (seconds: number) => autocannon({ url: `${gatewayUrl}/graphql`, connections: CONNECTIONS - 2, duration: seconds, requests: readRequests(scenarios) });
  await Promise.all([reads(WARMUP_S), writes(WARMUP_S)]);
  const [readResult, writeResult] = await Promise.all([reads(DURATION_S), writes(DURATION_S)]);

  const [found, copies] = await withDatabase(databaseUrl, async (client) => [
    await client.query(`SELECT count(*)::int AS "count" FROM "comment" WHERE "id" = ANY($1::uuid[])`, [acknowledged]),
    await client.query(
      `SELECT count(*)::int AS "extra" FROM (SELECT "author_email", "body", count(*) AS "n" FROM "comment" WHERE "author_email" LIKE $1 GROUP BY 1, 2 HAVING count(*) > 1) "d"`,
      [`bench-${runId}-%`],
    ),
  ]);
  return {
    reads: summarise(readResult),
    writes: summarise(writeResult),
    acknowledged,
    lost: acknowledged.length - found.rows[0].count,
    duplicated: copies.rows[0].extra,
  };
}

/** A browser's user agent: autocannon's own would be filtered out as a bot, as it should be. */
const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

interface RecordingResult extends Measurement {
  acknowledged: number;
  found: number;
  lost: number;
  storedTwice: number;
  viewsPerSecond: number;
}

/**
 * recordArticleView at full speed, each request a different reader (its own visitorId and address) on one of the
 * latest articles, so that every view is counted. Afterwards each view acknowledged as counted is looked up by its
 * visitor hash: it must be stored exactly once.
 */
async function recordingLoad(gatewayUrl: string, databaseUrl: string, secret: string, articleIds: string[]): Promise<RecordingResult> {
  const runId = Date.now().toString(36);
  let sequence = 0;
  const acknowledged: string[] = [];
  let acknowledgedWhileMeasured = 0;
  let measuring = false;
  const run = (seconds: number) =>
    autocannon({
      url: `${gatewayUrl}/graphql`,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/graphql',
          setupRequest: (request, context) => {
            const n = ++sequence;
            (context as { visitorId?: string }).visitorId = `bench-${runId}-${n}`;
            return {
              ...request,
              headers: {
                'content-type': 'application/json',
                'user-agent': BROWSER_USER_AGENT,
                'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
              },
              body: JSON.stringify({
                query: RECORD_VIEW_MUTATION,
                variables: { input: { articleId: articleIds[n % articleIds.length], visitorId: `bench-${runId}-${n}`, referrer: 'https://www.example.com/' } },
              }),
            };
          },
          onResponse: (status, body, context) => {
            if (status !== 200) return;
            const answer = JSON.parse(body) as { data?: { recordArticleView?: { counted?: boolean } } };
            if (!answer.data?.recordArticleView?.counted) return;
            // One request at a time per connection, so the connection's context still holds this request's visitorId.
            acknowledged.push((context as { visitorId?: string }).visitorId ?? '');
            if (measuring) acknowledgedWhileMeasured += 1;
          },
        },
      ],
    });
  await run(WARMUP_S);
  measuring = true;
  const measured = summarise(await run(DURATION_S));
  const hashes = acknowledged.map((visitorId) => visitorIdHash(secret, visitorId));
  const [{ found, rows }] = await withDatabase(
    databaseUrl,
    async (client) =>
      (
        await client.query(
          `SELECT count(DISTINCT v."visitor_hash")::int AS "found", count(*)::int AS "rows"
           FROM "article_view" v WHERE v."visitor_hash" = ANY($1::bytea[])`,
          [hashes],
        )
      ).rows as { found: number; rows: number }[],
  );
  return { ...measured, acknowledged: acknowledged.length, found, lost: acknowledged.length - found, storedTwice: rows - found, viewsPerSecond: acknowledgedWhileMeasured / DURATION_S };
}

/**
 * A checkpoint before measuring, so that the writes of a seeding just before are not flushed during the run (after a
 * fresh seed, view recording measured half its usual rate without it). Needs a superuser or pg_checkpoint; skipped
 * with a note otherwise.
 */
async function startFromCheckpoint(databaseUrl: string): Promise<void> {
  await withDatabase(databaseUrl, (client) =>
    client.query('CHECKPOINT').catch((error: Error) => {
      console.warn(`No checkpoint before the run (${error.message}); right after a seeding the figures may come out low.`);
    }),
  );
}

/** Waits (up to 30 s) until no other session of the benchmark database is running a statement. */
async function untilDatabaseIdle(databaseUrl: string): Promise<void> {
  await withDatabase(databaseUrl, (client) =>
    pollUntil(async () => {
      const { rows } = await client.query(
        `SELECT count(*)::int AS "active" FROM pg_stat_activity WHERE "datname" = current_database() AND "state" = 'active' AND "pid" <> pg_backend_pid()`,
      );
      return rows[0].active === 0;
    }, 60),
  );
}

/** The popularity window totals are built by the gateway as it starts; the rollup figures need them in place. */
async function waitForWindowTotals(databaseUrl: string): Promise<void> {
  const built = await withDatabase(databaseUrl, (client) =>
    pollUntil(async () => (await client.query(`SELECT "as_of" FROM "popularity_state" WHERE "as_of" > now() - interval '3 hours'`)).rows.length > 0, 120),
  );
  if (!built) throw new Error('The gateway did not build the popularity window totals within a minute.');
}

/** For the tables: PostgreSQL's CPU per request, or "n/a" when the database is on another machine. */
function postgresCpu(measurement: GatewayMeasurement): number | string {
  return measurement.postgresCpuMsPerRequest === null ? 'n/a' : Number(measurement.postgresCpuMsPerRequest.toFixed(2));
}

async function measureGateway(gateway: ChildProcess, url: string, body: string | null, databaseUrl: string): Promise<GatewayMeasurement> {
  await load(url, body, WARMUP_S);
  const before = await ask<GatewayStats>(gateway, 'stats', 'stats');
  const postgresBefore = localPostgresCpuMs(databaseUrl);
  let peakRss = before.rssBytes;
  const sampler = setInterval(() => {
    void ask<GatewayStats>(gateway, 'stats', 'stats').then((stats) => (peakRss = Math.max(peakRss, stats.rssBytes)));
  }, RSS_SAMPLE_MS);
  const measured = await load(url, body, DURATION_S);
  clearInterval(sampler);
  const after = await ask<GatewayStats>(gateway, 'stats', 'stats');
  const postgresAfter = localPostgresCpuMs(databaseUrl);
  peakRss = Math.max(peakRss, after.rssBytes);
  return {
    ...measured,
    sqlPerRequest: (after.sqlStatements - before.sqlStatements) / measured.requests,
    cpuMsPerRequest: (after.cpuMicros - before.cpuMicros) / 1000 / measured.requests,
    postgresCpuMsPerRequest: postgresBefore === null || postgresAfter === null ? null : (postgresAfter - postgresBefore) / measured.requests,
    peakRssMb: peakRss / 1024 / 1024,
  };
}

async function main(): Promise<void> {
  const databaseUrl = benchDatabaseUrl();
  const client = new Client({ connectionString: databaseUrl });
  await client.connect().catch((error: Error) => {
    console.error(`Cannot reach the benchmark database (${error.message}). Run npm run bench:seed first.`);
    process.exit(2);
  });
  const seeded = await client
    .query(`SELECT count(*)::int AS "count" FROM "article"`)
    .then((result) => result.rows[0].count as number)
    .catch(() => 0);
  if (seeded < 10_000) {
    console.error('The benchmark database is not seeded: run npm run bench:seed first.');
    process.exit(2);
  }
  // A popular article (the 50th most commented), so the article page has a real thread and related articles.
  const { rows } = await client.query(
    `SELECT "a"."slug" FROM "article" "a" JOIN "comment" "c" ON "c"."article_id" = "a"."id" AND "c"."status" = 'APPROVED'
     GROUP BY "a"."id" ORDER BY count(*) DESC, "a"."id" LIMIT 1 OFFSET 49`,
  );
  const { rows: articleRows } = await client.query(`SELECT "id" FROM "article" WHERE "status" = 'PUBLISHED' ORDER BY "published_at" DESC LIMIT 200`);
  const articleIds = articleRows.map((row: { id: string }) => row.id);
  await client.end();

  const views = await viewFreshness(databaseUrl);
  await startFromCheckpoint(databaseUrl);
  const parts = new Set(process.argv.slice(2).filter((arg) => arg === 'pages' || arg === 'analytics'));
  const runPages = parts.size === 0 || parts.has('pages');
  const runAnalytics = parts.size === 0 || parts.has('analytics');

  const scenarios: Scenario[] = [
    { name: 'front page', path: '/front', body: JSON.stringify({ query: FRONT_PAGE_QUERY, variables: { first: 20, comments: 5 } }) },
    { name: 'article page', path: '/article', body: JSON.stringify({ query: ARTICLE_PAGE_QUERY, variables: { slug: rows[0].slug } }) },
  ];

  const gatewayEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SEED_DEMO_CONTENT: 'false',
    // The mixed load and the view recording speak for many readers through X-Forwarded-For.
    TRUST_PROXY: 'true',
    MASTHEAD_SECRET: process.env.MASTHEAD_SECRET ?? 'benchmark-secret-benchmark-secret-0000',
    // The seeded views go back 90 days; the raw-events gateway must not prune them while it runs.
    VIEW_RETENTION_DAYS: '120',
  };
  // The gateway as it was before its response cache (every request runs its SQL), and the gateway with it.
  const gateway = await start('gateway-process.js', { ...gatewayEnv, RESPONSE_CACHE: 'false' });
  const cachedGateway = await start('gateway-process.js', { ...gatewayEnv, RESPONSE_CACHE: 'true' });
  console.log(`gateways run as: node ${GATEWAY_NODE_ARGS.join(' ') || '(no options)'}`);
  // Analytics runs on gateways of its own (rollups, and raw events for the comparison), so that neither part's load
  // shapes the other's figures (heap, RSS).
  const analyticsGateway = runAnalytics ? await start('gateway-process.js', { ...gatewayEnv, RESPONSE_CACHE: 'false' }) : null;
  const rawGateway = runAnalytics ? await start('gateway-process.js', { ...gatewayEnv, RESPONSE_CACHE: 'false', POPULARITY_SOURCE: 'raw' }) : null;
  const preparedStatement = runAnalytics ? await start('prepared-statement-process.js', { ...process.env, DATABASE_URL: databaseUrl }) : null;
  const ceiling = await start('ceiling-process.js', process.env);

  const getPath = (query: string, variables: Record<string, unknown>) => `/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`;
  const cachedScenarios: CachedScenario[] = [
    { name: 'front page, cached (GET)', ceilingPath: getPath(FRONT_PAGE_QUERY, { first: 20, comments: 5 }), get: getPath(FRONT_PAGE_QUERY, { first: 20, comments: 5 }), body: null },
    { name: 'front page, cached (POST)', ceilingPath: '/front', get: null, body: scenarios[0].body },
    { name: 'article page, cached (GET)', ceilingPath: getPath(ARTICLE_PAGE_QUERY, { slug: rows[0].slug }), get: getPath(ARTICLE_PAGE_QUERY, { slug: rows[0].slug }), body: null },
  ];

  const results: { scenario: string; gateway: GatewayMeasurement; ceiling: Measurement; responseBytes: number }[] = [];
  let readOnly: Measurement | undefined;
  let mixed: MixedResult | undefined;
  let popular:
    | { rollups: GatewayMeasurement; raw: GatewayMeasurement; atTenfold: SteadyResult; rate: number; responseBytes: number; oneStatement: Measurement & { postgresCpuMsPerRequest: number | null }; cached: GatewayMeasurement }
    | undefined;
  let recording: RecordingResult | undefined;
  try {
    for (const scenario of runPages ? scenarios : []) {
      const response = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: scenario.body });
      const bytes = Buffer.from(await response.arrayBuffer());
      const parsed = JSON.parse(bytes.toString('utf8'));
      if (response.status !== 200 || parsed.errors) throw new Error(`${scenario.name} query failed: ${bytes.toString('utf8').slice(0, 500)}`);
      await ask(ceiling.child, { path: scenario.path, body: bytes.toString('base64') }, 'stored');

      console.log(`\n${scenario.name}: ${bytes.length} bytes per response; ${WARMUP_S} s warm-up, then ${DURATION_S} s with ${CONNECTIONS} connections`);
      const gatewayResult = await measureGateway(gateway.child, `${gateway.url}/graphql`, scenario.body, databaseUrl);
      await load(`${ceiling.url}${scenario.path}`, scenario.body, WARMUP_S);
      const ceilingResult = await load(`${ceiling.url}${scenario.path}`, scenario.body, DURATION_S);
      results.push({ scenario: scenario.name, gateway: gatewayResult, ceiling: ceilingResult, responseBytes: bytes.length });
    }

    for (const scenario of runPages ? cachedScenarios : []) {
      const send = () =>
        scenario.get !== null
          ? fetch(`${cachedGateway.url}${scenario.get}`)
          : fetch(`${cachedGateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: scenario.body });
      await send();
      const response = await send();
      const bytes = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200 || response.headers.get('x-cache') !== 'HIT') throw new Error(`${scenario.name}: expected a cache hit, got ${response.status} ${response.headers.get('x-cache')}`);
      await ask(ceiling.child, { path: scenario.ceilingPath, body: bytes.toString('base64') }, 'stored');
      console.log(`\n${scenario.name}: ${bytes.length} bytes per response; ${WARMUP_S} s warm-up, then ${DURATION_S} s with ${CONNECTIONS} connections`);
      const target = scenario.get !== null ? `${cachedGateway.url}${scenario.get}` : `${cachedGateway.url}/graphql`;
      const gatewayResult = await measureGateway(cachedGateway.child, target, scenario.body, databaseUrl);
      const ceilingTarget = `${ceiling.url}${scenario.ceilingPath}`;
      await load(ceilingTarget, scenario.body, WARMUP_S);
      const ceilingResult = await load(ceilingTarget, scenario.body, DURATION_S);
      results.push({ scenario: scenario.name, gateway: gatewayResult, ceiling: ceilingResult, responseBytes: bytes.length });
    }

    if (runPages) {
      console.log(`\nreads only (front page and article page in turn), then the same with 5% addComment beside them`);
      await load(`${gateway.url}/graphql`, '', WARMUP_S, { requests: readRequests(scenarios) });
      readOnly = await load(`${gateway.url}/graphql`, '', DURATION_S, { requests: readRequests(scenarios) });
      mixed = await mixedLoad(gateway.url, databaseUrl, scenarios, articleIds, readOnly.requestsPerSecond);
    }
    if (analyticsGateway && rawGateway) {
      await waitForWindowTotals(databaseUrl);
      const body = JSON.stringify({ query: POPULAR_QUERY, variables: { first: 10 } });
      const answers = await Promise.all(
        [analyticsGateway.url, rawGateway.url].map(async (url) => {
          const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          return response.text();
        }),
      );
      if (answers[0] !== answers[1] || JSON.parse(answers[0]).errors) {
        throw new Error(`popularArticles from rollups and from raw events differ:\n${answers[0].slice(0, 400)}\n${answers[1].slice(0, 400)}`);
      }
      console.log(`\npopularArticles(LAST_7_DAYS, first: 10): the same ${answers[0].length} bytes from rollups and from raw events; ${WARMUP_S} s warm-up, then ${DURATION_S} s with ${CONNECTIONS} connections each`);
      const raw = await measureGateway(rawGateway.child, `${rawGateway.url}/graphql`, body, databaseUrl);
      // The raw-events statements still running when the load stopped would otherwise weigh on what follows.
      await untilDatabaseIdle(databaseUrl);
      const rollups = await measureGateway(analyticsGateway.child, `${analyticsGateway.url}/graphql`, body, databaseUrl);
      // The least any server could do per request: one prepared statement on the table the list is ranked from.
      await untilDatabaseIdle(databaseUrl);
      const statementUrl = `${(preparedStatement as { url: string }).url}/`;
      await load(statementUrl, body, WARMUP_S);
      const statementPgBefore = localPostgresCpuMs(databaseUrl);
      const oneStatementLoad = await load(statementUrl, body, DURATION_S);
      const statementPgAfter = localPostgresCpuMs(databaseUrl);
      const oneStatement = {
        ...oneStatementLoad,
        postgresCpuMsPerRequest: statementPgBefore === null || statementPgAfter === null ? null : (statementPgAfter - statementPgBefore) / oneStatementLoad.requests,
      };
      // And the same popular list served from the response cache (a GET, as a CDN or urql sends it).
      const popularGet = `${cachedGateway.url}${getPath(POPULAR_QUERY, { first: 10 })}`;
      await fetch(popularGet);
      const cached = await measureGateway(cachedGateway.child, popularGet, null, databaseUrl);
      // Latency is read at a set load, not at saturation (where it only measures the queue 32 connections build):
      // the rollups at ten times the raw-events computation's best rate.
      const rate = Math.ceil(10 * raw.requestsPerSecond);
      console.log(`then the rollups at a steady ${rate} req/s (10x the raw events' req/s) for ${DURATION_S} s`);
      const steady = await startSteadyLoader();
      await ask<SteadyResult>(steady, { url: `${analyticsGateway.url}/graphql`, body, rate, seconds: WARMUP_S }, 'result');
      await ask<GatewayStats>(analyticsGateway.child, 'stats', 'stats');
      const atTenfold = await ask<SteadyResult>(steady, { url: `${analyticsGateway.url}/graphql`, body, rate, seconds: DURATION_S }, 'result');
      const { eventLoopDelayMaxMs } = await ask<GatewayStats>(analyticsGateway.child, 'stats', 'stats');
      steady.kill();
      // Bunched together, the slowest answers point at a pause, not at load; if the gateway's event loop was held up
      // as long, the pause was the gateway's (garbage collection), else the database's or the machine's.
      console.log(
        `slowest 1%, ms @ s into the run: ${atTenfold.slowest.map((item) => `${item.latencyMs}@${item.sentAtS}`).join(' ')}; ` +
          `event loop held up at most ${Math.round(eventLoopDelayMaxMs)} ms in the gateway, ${Math.round(atTenfold.loaderDelayMaxMs)} ms in the load generator`,
      );
      popular = { rollups, raw, atTenfold, rate, responseBytes: answers[0].length, oneStatement, cached };
      console.log(`\nrecordArticleView: every request a new reader; ${WARMUP_S} s warm-up, then ${DURATION_S} s with ${CONNECTIONS} connections`);
      recording = await recordingLoad(analyticsGateway.url, databaseUrl, gatewayEnv.MASTHEAD_SECRET, articleIds);
    }
  } finally {
    gateway.child.send('stop');
    cachedGateway.child.send('stop');
    preparedStatement?.child.send('stop');
    analyticsGateway?.child.send('stop');
    rawGateway?.child.send('stop');
    ceiling.child.kill();
  }

  console.log('');
  console.table(
    results.flatMap(({ scenario, gateway: g, ceiling: c }) => [
      {
        scenario,
        server: 'gateway',
        'req/s': Math.round(g.requestsPerSecond),
        'p50 ms': g.p50Ms,
        'p99 ms': g.p99Ms,
        'SQL/req': Number(g.sqlPerRequest.toFixed(2)),
        'CPU ms/req': Number(g.cpuMsPerRequest.toFixed(2)),
        'PG CPU ms/req': postgresCpu(g),
        'peak RSS MB': Math.round(g.peakRssMb),
        'errors+non2xx': g.errors + g.non2xx,
        'share of ceiling': `1/${(c.requestsPerSecond / g.requestsPerSecond).toFixed(1)}`,
      },
      { scenario, server: 'ceiling', 'req/s': Math.round(c.requestsPerSecond), 'p50 ms': c.p50Ms, 'p99 ms': c.p99Ms, 'errors+non2xx': c.errors + c.non2xx },
    ]),
  );
  if (readOnly && mixed) {
    const writeShare = mixed.writes.requests / (mixed.writes.requests + mixed.reads.requests);
    console.table([
      { load: 'reads only', 'req/s': Math.round(readOnly.requestsPerSecond), 'p50 ms': readOnly.p50Ms, 'p99 ms': readOnly.p99Ms, 'errors+non2xx': readOnly.errors + readOnly.non2xx },
      { load: 'mixed: reads', 'req/s': Math.round(mixed.reads.requestsPerSecond), 'p50 ms': mixed.reads.p50Ms, 'p99 ms': mixed.reads.p99Ms, 'errors+non2xx': mixed.reads.errors + mixed.reads.non2xx },
      { load: 'mixed: addComment', 'req/s': Math.round(mixed.writes.requestsPerSecond), 'p50 ms': mixed.writes.p50Ms, 'p99 ms': mixed.writes.p99Ms, 'errors+non2xx': mixed.writes.errors + mixed.writes.non2xx },
    ]);
    const readDrop = 1 - mixed.reads.requestsPerSecond / readOnly.requestsPerSecond;
    console.log(
      `Mixed load: ${(writeShare * 100).toFixed(1)}% writes; ${mixed.acknowledged.length} comments acknowledged (warm-up included), ${mixed.lost} lost, ${mixed.duplicated} stored twice ` +
        `(target: none); reads at ${(100 * (1 - readDrop)).toFixed(1)}% of the read-only run (target: 85% or more).`,
    );
  }
  const cachedFront = results.find((result) => result.scenario === 'front page, cached (GET)');
  if (cachedFront) {
    const ratio = cachedFront.ceiling.requestsPerSecond / cachedFront.gateway.requestsPerSecond;
    console.log(`Cached front page (GET): gateway at 1/${ratio.toFixed(2)} of the ceiling (target: 1/3 or better); p99 ${cachedFront.gateway.p99Ms} ms (target: under 10 ms).`);
  }
  const front = results[0];
  if (front) {
    const ratio = front.ceiling.requestsPerSecond / front.gateway.requestsPerSecond;
    console.log(`Front page: gateway at 1/${ratio.toFixed(1)} of the ceiling (target: 1/35 or better); peak RSS ${Math.round(front.gateway.peakRssMb)} MB (target: 300 MB or less).`);
  }
  if (popular && recording) {
    const row = (source: string, m: GatewayMeasurement) => ({
      'popularArticles from': source,
      'req/s': Math.round(m.requestsPerSecond),
      'p50 ms': m.p50Ms,
      'p99 ms': m.p99Ms,
      'SQL/req': Number(m.sqlPerRequest.toFixed(2)),
      'CPU ms/req': Number(m.cpuMsPerRequest.toFixed(2)),
      'PG CPU ms/req': postgresCpu(m),
      'errors+non2xx': m.errors + m.non2xx,
    });
    console.table([
      row('rollups', popular.rollups),
      row('raw events', popular.raw),
      row('response cache (GET)', popular.cached),
      {
        'popularArticles from': 'bare server, one prepared statement',
        'req/s': Math.round(popular.oneStatement.requestsPerSecond),
        'p50 ms': popular.oneStatement.p50Ms,
        'p99 ms': popular.oneStatement.p99Ms,
        'SQL/req': 1,
        'PG CPU ms/req': popular.oneStatement.postgresCpuMsPerRequest === null ? 'n/a' : Number(popular.oneStatement.postgresCpuMsPerRequest.toFixed(2)),
        'errors+non2xx': popular.oneStatement.errors + popular.oneStatement.non2xx,
      },
      {
        'popularArticles from': `rollups at ${popular.rate} req/s`,
        'req/s': Math.round(popular.atTenfold.requestsPerSecond),
        'p50 ms': popular.atTenfold.p50Ms,
        'p99 ms': popular.atTenfold.p99Ms,
        'errors+non2xx': popular.atTenfold.errors + popular.atTenfold.non2xx,
      },
    ]);
    const speedup = popular.rollups.requestsPerSecond / popular.raw.requestsPerSecond;
    console.log(
      `Popular (LAST_7_DAYS) from rollups: ${speedup.toFixed(1)}x the raw-events computation's req/s (target: 10x or more); ` +
        `at 10x the raw events' req/s (${popular.rate}/s) p99 ${popular.atTenfold.p99Ms} ms (target: 50 ms or less); ` +
        `at saturation with ${CONNECTIONS} connections p99 ${popular.rollups.p99Ms} ms. ` +
        `Data: ${views.total.toLocaleString('en')} views, ${views.lastWeek.toLocaleString('en')} in the last 7 days.`,
    );
    console.log(
      `Popular uncached (rollups) at ${(popular.rollups.requestsPerSecond / popular.oneStatement.requestsPerSecond).toFixed(2)}x the req/s of a bare server sending one prepared statement ` +
        `on popularity_window (target: 1x or more); from the response cache ${(popular.cached.requestsPerSecond / popular.oneStatement.requestsPerSecond).toFixed(1)}x.`,
    );
    console.log(
      `recordArticleView: ${Math.round(recording.viewsPerSecond)} counted views/s sustained over ${DURATION_S} s (target: 1,000 or more), ` +
        `p50 ${recording.p50Ms} ms, p99 ${recording.p99Ms} ms, ${recording.errors + recording.non2xx} errors; ` +
        `${recording.acknowledged} views acknowledged as counted (warm-up included): ${recording.lost} lost, ${recording.storedTwice} stored twice (target: none).`,
    );
  }
  const outputDir = path.join(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(outputDir, { recursive: true });
  const file = path.join(outputDir, 'last-run.json');
  fs.writeFileSync(
    file,
    JSON.stringify(
      { at: new Date().toISOString(), connections: CONNECTIONS, durationSeconds: DURATION_S, results, readOnly, mixed: mixed && { ...mixed, acknowledged: mixed.acknowledged.length }, views, popular, recording },
      null,
      2,
    ),
  );
  console.log(`Full figures: ${path.relative(process.cwd(), file)}`);
}

/**
 * How many seeded views there are and how recent: the popular lists are only a fair test while the last week holds
 * its share of them. A run days after the seeding says so.
 */
async function viewFreshness(databaseUrl: string): Promise<{ total: number; lastWeek: number }> {
  return withDatabase(databaseUrl, async (client) => {
    const [row] = (
      await client.query(
        `SELECT (SELECT count(*) FROM "article_view")::int AS "total",
                (SELECT count(*) FROM "article_view" WHERE "viewed_at" > now() - interval '7 days')::int AS "lastWeek",
                extract(epoch FROM now() - (SELECT max("viewed_at") FROM "article_view"))::float8 / 3600 AS "hoursSinceLast"`,
      )
    ).rows as { total: number; lastWeek: number; hoursSinceLast: number | null }[];
    if (row.hoursSinceLast === null || row.hoursSinceLast > 24) {
      console.warn(`The newest seeded view is ${row.hoursSinceLast === null ? 'missing' : `${Math.round(row.hoursSinceLast)} hours old`}: run  npm run bench:seed -- --views  for a fair popularity test.`);
    }
    return { total: row.total, lastWeek: row.lastWeek };
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
