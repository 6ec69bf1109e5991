import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { benchDatabaseUrl } from './bench-database';
import type { GatewayStats } from './gateway-process';
import { ARTICLE_PAGE_QUERY, FRONT_PAGE_QUERY } from './queries';

/**
 * `npm run bench`: autocannon against the gateway (a child process, on the seeded benchmark database) and, in the
 * same run, against a bare Node server answering the same bytes (the ceiling). Prints req/s, p50, p99, SQL statements
 * per request, gateway CPU ms per request, gateway RSS, and the gateway's share of the ceiling.
 *
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

interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
}

interface GatewayMeasurement extends Measurement {
  sqlPerRequest: number;
  cpuMsPerRequest: number;
  peakRssMb: number;
}

function start(script: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(path.join(__dirname, script), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.on('message', (message: { url?: string }) => {
      if (message.url) resolve({ child, url: message.url });
    });
  });
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

async function load(url: string, body: string, seconds: number, extra: Partial<autocannon.Options> = {}): Promise<Measurement> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
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
 * read-only baseline, each from a different simulated reader (its own address and e-mail). Then every acknowledged
 * comment id is looked up: each must be stored exactly once.
 */
async function mixedLoad(gatewayUrl: string, databaseUrl: string, scenarios: Scenario[], articleIds: string[], readOnlyRps: number): Promise<MixedResult> {
  const runId = Date.now().toString(36);
  let sequence = 0;
  const acknowledged: string[] = [];
  const writeRate = Math.max(1, Math.ceil(readOnlyRps / 19));
  const writes = autocannon({
    url: `${gatewayUrl}/graphql`,
    connections: 2,
    overallRate: writeRate,
    duration: DURATION_S,
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
  const reads = autocannon({ url: `${gatewayUrl}/graphql`, connections: CONNECTIONS - 2, duration: DURATION_S, requests: readRequests(scenarios) });
  const [readResult, writeResult] = await Promise.all([reads, writes]);

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const found = await client.query(`SELECT count(*)::int AS "count" FROM "comment" WHERE "id" = ANY($1::uuid[])`, [acknowledged]);
  const copies = await client.query(
    `SELECT count(*)::int AS "extra" FROM (SELECT "author_email", "body", count(*) AS "n" FROM "comment" WHERE "author_email" LIKE $1 GROUP BY 1, 2 HAVING count(*) > 1) "d"`,
    [`bench-${runId}-%`],
  );
  await client.end();
  return {
    reads: summarise(readResult),
    writes: summarise(writeResult),
    acknowledged,
    lost: acknowledged.length - found.rows[0].count,
    duplicated: copies.rows[0].extra,
  };
}

async function measureGateway(gateway: ChildProcess, url: string, body: string): Promise<GatewayMeasurement> {
  await load(url, body, WARMUP_S);
  const before = await ask<GatewayStats>(gateway, 'stats', 'stats');
  let peakRss = before.rssBytes;
  const sampler = setInterval(() => {
    void ask<GatewayStats>(gateway, 'stats', 'stats').then((stats) => (peakRss = Math.max(peakRss, stats.rssBytes)));
  }, RSS_SAMPLE_MS);
  const measured = await load(url, body, DURATION_S);
  clearInterval(sampler);
  const after = await ask<GatewayStats>(gateway, 'stats', 'stats');
  peakRss = Math.max(peakRss, after.rssBytes);
  return {
    ...measured,
    sqlPerRequest: (after.sqlStatements - before.sqlStatements) / measured.requests,
    cpuMsPerRequest: (after.cpuMicros - before.cpuMicros) / 1000 / measured.requests,
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

  const scenarios: Scenario[] = [
    { name: 'front page', path: '/front', body: JSON.stringify({ query: FRONT_PAGE_QUERY, variables: { first: 20, comments: 5 } }) },
    { name: 'article page', path: '/article', body: JSON.stringify({ query: ARTICLE_PAGE_QUERY, variables: { slug: rows[0].slug } }) },
  ];

  const gateway = await start('gateway-process.js', {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SEED_DEMO_CONTENT: 'false',
    // The mixed load speaks for many readers through X-Forwarded-For.
    TRUST_PROXY: 'true',
    MASTHEAD_SECRET: process.env.MASTHEAD_SECRET ?? 'benchmark-secret-benchmark-secret-0000',
  });
  const ceiling = await start('ceiling-process.js', process.env);

  const results: { scenario: string; gateway: GatewayMeasurement; ceiling: Measurement; responseBytes: number }[] = [];
  let readOnly: Measurement | undefined;
  let mixed: MixedResult | undefined;
  try {
    for (const scenario of scenarios) {
      const response = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: scenario.body });
      const bytes = Buffer.from(await response.arrayBuffer());
      const parsed = JSON.parse(bytes.toString('utf8'));
      if (response.status !== 200 || parsed.errors) throw new Error(`${scenario.name} query failed: ${bytes.toString('utf8').slice(0, 500)}`);
      await ask(ceiling.child, { path: scenario.path, body: bytes.toString('base64') }, 'stored');

      console.log(`\n${scenario.name}: ${bytes.length} bytes per response; ${WARMUP_S} s warm-up, then ${DURATION_S} s with ${CONNECTIONS} connections`);
      const gatewayResult = await measureGateway(gateway.child, `${gateway.url}/graphql`, scenario.body);
      await load(`${ceiling.url}${scenario.path}`, scenario.body, WARMUP_S);
      const ceilingResult = await load(`${ceiling.url}${scenario.path}`, scenario.body, DURATION_S);
      results.push({ scenario: scenario.name, gateway: gatewayResult, ceiling: ceilingResult, responseBytes: bytes.length });
    }

    console.log(`\nreads only (front page and article page in turn), then the same with 5% addComment beside them`);
    await load(`${gateway.url}/graphql`, '', WARMUP_S, { requests: readRequests(scenarios) });
    readOnly = await load(`${gateway.url}/graphql`, '', DURATION_S, { requests: readRequests(scenarios) });
    mixed = await mixedLoad(gateway.url, databaseUrl, scenarios, articleIds, readOnly.requestsPerSecond);
  } finally {
    gateway.child.send('stop');
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
      `Mixed load: ${(writeShare * 100).toFixed(1)}% writes; ${mixed.acknowledged.length} comments acknowledged, ${mixed.lost} lost, ${mixed.duplicated} stored twice ` +
        `(target: none); reads at ${(100 * (1 - readDrop)).toFixed(1)}% of the read-only run (target: 85% or more).`,
    );
  }
  const front = results[0];
  const ratio = front.ceiling.requestsPerSecond / front.gateway.requestsPerSecond;
  console.log(`Front page: gateway at 1/${ratio.toFixed(1)} of the ceiling (target: 1/35 or better); peak RSS ${Math.round(front.gateway.peakRssMb)} MB (target: 300 MB or less).`);

  const outputDir = path.join(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(outputDir, { recursive: true });
  const file = path.join(outputDir, 'last-run.json');
  fs.writeFileSync(
    file,
    JSON.stringify(
      { at: new Date().toISOString(), connections: CONNECTIONS, durationSeconds: DURATION_S, results, readOnly, mixed: mixed && { ...mixed, acknowledged: mixed.acknowledged.length } },
      null,
      2,
    ),
  );
  console.log(`Full figures: ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
