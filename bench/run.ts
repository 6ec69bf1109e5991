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

async function load(url: string, body: string, seconds: number): Promise<Measurement> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
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
  });
  const ceiling = await start('ceiling-process.js', process.env);

  const results: { scenario: string; gateway: GatewayMeasurement; ceiling: Measurement; responseBytes: number }[] = [];
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
  const front = results[0];
  const ratio = front.ceiling.requestsPerSecond / front.gateway.requestsPerSecond;
  console.log(`Front page: gateway at 1/${ratio.toFixed(1)} of the ceiling (target: 1/35 or better); peak RSS ${Math.round(front.gateway.peakRssMb)} MB (target: 300 MB or less).`);

  const outputDir = path.join(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(outputDir, { recursive: true });
  const file = path.join(outputDir, 'last-run.json');
  fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), connections: CONNECTIONS, durationSeconds: DURATION_S, results }, null, 2));
  console.log(`Full figures: ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
