import { fork } from 'node:child_process';
import path from 'node:path';
import { benchDatabaseUrl, ensureDatabase } from './bench-database';
import { GATEWAY_NODE_ARGS } from './gateway-node-args';
import type { GatewayStats } from './gateway-process';

/**
 * `npm run bench:memory`: what many distinct queries do to the gateway's memory. Every query is valid and about 700
 * bytes, and no two are the same text (own operation name and aliases), as a client generating queries (or an
 * attacker) would send them: each one passes through every per-document cache (parsed documents, compiled queries,
 * direct reads' selections and SQL, query costs, prepared statements). The gateway's RSS is sampled as they go; with
 * every cache bounded it levels off and stays flat.
 *
 * It runs on a database named masthead_memory on the benchmark's server (see bench-database.ts), with the demo content.
 * Settings (environment): MEMORY_QUERIES (20,000), MEMORY_CONCURRENCY (8), and the gateway's own settings.
 */
const QUERIES = Number(process.env.MEMORY_QUERIES ?? 20_000);
const CONCURRENCY = Number(process.env.MEMORY_CONCURRENCY ?? 8);
const SAMPLES = 20;

/** The n-th distinct query: a front page, an article page or a list page, each with its own names. */
export function uniqueQuery(n: number): { query: string; variables: Record<string, unknown> } {
  const name = `Q${n.toString(36)}`;
  switch (n % 3) {
    case 0:
      return {
        query: `query Front${name}($first: Int = ${1 + (n % 7)}) {
  front${name}: articles(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id slug headline${name}: title excerpt publishedAt url readingTimeMinutes
      featuredImage { url alt } author { name slug avatarUrl } section { name slug } tags { name slug }
      commentCount comments(first: ${1 + (n % 4)}) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id authorName body createdAt replyCount } } } } }
  }
  more${name}: articles(first: ${1 + (n % 5)}, orderBy: PUBLISHED_AT_ASC) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id slug title url excerpt publishedAt } }
  }
}`,
        variables: {},
      };
    case 1:
      return {
        query: `query Article${name}($slug: String!) {
  page${name}: article(slug: $slug) {
    id slug title excerpt body publishedAt updatedAt url wordCount readingTimeMinutes
    featuredImage { url alt caption } shareLinks { x facebook linkedIn email }
    byline${name}: author { name slug bio avatarUrl } section { name slug } tags { name slug }
    comments(first: ${1 + (n % 9)}) { totalCount edges { node { id authorName body createdAt replyCount } } }
    relatedArticles(first: ${1 + (n % 5)}) { reasons article { id slug title url publishedAt author { name } } }
  }
  popular${name}: popularArticles(first: ${1 + (n % 10)}) { rank views article { id title url excerpt publishedAt } }
  trending${name}: trendingArticles(first: ${1 + (n % 10)}) { rank article { id title url } popularity { views24h views7d score } }
}`,
        variables: { slug: `no-such-article-${n}` },
      };
    default:
      return {
        query: `query Lists${name} {
  writers${name}: authors(first: ${1 + (n % 30)}) { totalCount edges { cursor node { id name slug bio } } }
  topics${name}: tags(first: ${1 + (n % 30)}) { totalCount edges { node { id name slug } } }
  desks${name}: sections { id name slug articles(first: ${1 + (n % 3)}) { edges { node { id title url } } } }
  search${name}: searchArticles(query: "election ${name}", first: ${1 + (n % 10)}) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title excerpt url publishedAt } }
  }
}`,
        variables: {},
      };
  }
}

async function main(): Promise<void> {
  // A database of its own, with the demo content: what is measured is the gateway's memory, not the data.
  const serverUrl = new URL(benchDatabaseUrl());
  serverUrl.pathname = '/masthead_memory';
  const databaseUrl = serverUrl.toString();
  await ensureDatabase(databaseUrl);
  const gateway = fork(path.join(__dirname, 'gateway-process.js'), [], {
    execArgv: GATEWAY_NODE_ARGS,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      SEED_DEMO_CONTENT: 'true',
      MASTHEAD_SECRET: process.env.MASTHEAD_SECRET ?? 'benchmark-secret-benchmark-secret-0000',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    gateway.once('exit', (code) => reject(new Error(`the gateway exited with ${code}`)));
    gateway.on('message', (message: { url?: string }) => message.url && resolve(message.url));
  });
  const stats = () =>
    new Promise<GatewayStats>((resolve) => {
      const onMessage = (message: { stats?: GatewayStats }) => {
        if (message.stats) {
          gateway.off('message', onMessage);
          resolve(message.stats);
        }
      };
      gateway.on('message', onMessage);
      gateway.send('stats');
    });

  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const startRss = (await stats()).rssBytes;
  console.log(`${QUERIES} distinct queries, ${CONCURRENCY} at a time; gateway (node ${GATEWAY_NODE_ARGS.join(' ') || 'with no options'}) RSS at start ${mb(startRss)} MB`);
  const samples: { sent: number; rssMb: number }[] = [];
  let sent = 0;
  let failures = 0;
  let bytes = 0;
  const startedAt = performance.now();
  const sampleEvery = Math.max(1, Math.floor(QUERIES / SAMPLES));
  const worker = async () => {
    while (sent < QUERIES) {
      const n = sent++;
      const body = JSON.stringify(uniqueQuery(n));
      bytes += body.length;
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const answer = (await response.json()) as { errors?: unknown[] };
      if (response.status !== 200 || answer.errors) {
        failures++;
        if (failures <= 3) console.error(`query ${n} failed (${response.status}): ${JSON.stringify(answer).slice(0, 300)}`);
      }
      if ((n + 1) % sampleEvery === 0) {
        const { rssBytes } = await stats();
        samples.push({ sent: n + 1, rssMb: mb(rssBytes) });
        process.stdout.write(`\r${n + 1} sent, RSS ${mb(rssBytes)} MB   `);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - startedAt) / 1000;
  const endRss = (await stats()).rssBytes;
  process.stdout.write('\n');
  samples.sort((a, b) => a.sent - b.sent);
  const lastQuarter = samples.slice(Math.floor(samples.length * 0.75));
  const peak = Math.max(...samples.map((sample) => sample.rssMb), mb(endRss));
  console.log(`\n| queries sent | gateway RSS (MB) |\n|---:|---:|`);
  for (const sample of samples) console.log(`| ${sample.sent} | ${sample.rssMb} |`);
  console.log(
    `\n${QUERIES} queries (average ${Math.round(bytes / QUERIES)} bytes) in ${seconds.toFixed(1)} s, ${failures} failed; RSS start ${mb(startRss)} MB, ` +
      `peak ${peak} MB, end ${mb(endRss)} MB; last quarter ${Math.min(...lastQuarter.map((s) => s.rssMb))}-${Math.max(...lastQuarter.map((s) => s.rssMb))} MB`,
  );
  gateway.send('stop');
  await new Promise((resolve) => gateway.once('exit', resolve));
  if (failures) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
