import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import pino from 'pino';
import { Client } from 'pg';
import { createDataSource } from '../src/db/data-source';
import { runMigrations } from '../src/db/migrate';
import { benchDatabaseUrl, ensureDatabase } from './bench-database';

/**
 * `npm run bench:seed`: a deterministic newsroom at scale in the benchmark database (see bench-database.ts):
 * 50 authors, 10 sections, 30 tags, 10,000 published articles with 3–5 KB bodies and ~3 tags each, 200,000
 * comments of which ~20% are replies, and 2,000,000 counted views over the 90 days before the seeding (with their
 * rollups). The same seed gives the same rows, ids included, on every machine; view times are relative to the moment
 * of seeding, so that "the last 7 days" has views in it. `npm run bench:seed -- --views` re-seeds only the views
 * (do that when the views have grown old).
 */
const COUNTS = { authors: 50, sections: 10, tags: 30, articles: 10_000, comments: 200_000, views: 2_000_000 } as const;
const VIEW_DAYS = 90;
/** Distinct simulated visitors; with 2,000,000 views most visitors read several articles. */
const VISITORS = 400_000;
const REPLY_SHARE = 0.2;
const BATCH = { articles: 500, comments: 5_000, views: 50_000 } as const;
/** Publication dates spread over two years before this fixed instant, so reruns give the same data. */
const EPOCH = Date.parse('2026-11-01T00:00:00Z');
const TWO_YEARS_MS = 2 * 365 * 24 * 3_600_000;

/** mulberry32: a small, fast, seedable PRNG; Math.random cannot be seeded. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Deterministic UUIDs (version 4 layout), one namespace per table. */
function uuid(namespace: number, n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `${namespace.toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`;
}

const WORDS = (
  'government minister summit talks agreement border trade rail budget parliament vote election council city region ' +
  'reconstruction flood bridge valley fund builders contract schools students visa universities teachers exam ' +
  'concert album singer band tour stage audience festival chart record critics gallery museum theatre film ' +
  'economy markets inflation prices energy climate weather harbour port shipping farmers harvest hospital health ' +
  'police court judge law report inquiry officials residents community local national international week month ' +
  'said told announced expected plans new first last early late major minor public private open closed'
).split(' ');

function sentence(next: () => number): string {
  const length = 8 + Math.floor(next() * 14);
  const words = Array.from({ length }, () => WORDS[Math.floor(next() * WORDS.length)]);
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return `${words.join(' ')}.`;
}

function body(next: () => number): string {
  const target = 3_000 + Math.floor(next() * 2_000);
  let html = '';
  while (html.length < target) {
    const sentences = 3 + Math.floor(next() * 4);
    html += `<p>${Array.from({ length: sentences }, () => sentence(next)).join(' ')}</p>\n`;
  }
  return html;
}

async function main(): Promise<void> {
  const url = benchDatabaseUrl();
  await ensureDatabase(url);
  const log = pino({ level: 'warn' });
  const dataSource = createDataSource({ url, poolSize: 2, statementTimeoutMs: 600_000 });
  await dataSource.initialize();
  await runMigrations(dataSource, log, { lock: true });
  await dataSource.destroy();

  const client = new Client({ connectionString: url });
  await client.connect();
  // Outside a terminal (CI logs) the bar prints a line every few seconds instead of redrawing.
  const bar = new SingleBar(
    { format: '{stage} [{bar}] {percentage}% | {value}/{total} | {duration}s', noTTYOutput: true, notTTYSchedule: 3_000 },
    Presets.shades_classic,
  );
  const started = Date.now();
  if (process.argv.includes('--views')) {
    await seedViews(client, bar);
    await client.end();
    console.log(`Seeded views in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return;
  }
  const next = random(20261127);
  console.log(`Seeding ${new URL(url).pathname.slice(1)}: emptying content tables first.`);
  await client.query('TRUNCATE "comment", "article_tag", "article", "tag", "section", "author" CASCADE');

  const authorIds = Array.from({ length: COUNTS.authors }, (_, i) => uuid(1, i));
  await client.query(
    `INSERT INTO "author" ("id", "slug", "name", "bio") SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
    [authorIds, authorIds.map((_, i) => `author-${i}`), authorIds.map((_, i) => `Author ${i}`), authorIds.map((_, i) => `Reporter number ${i}.`)],
  );
  const sectionIds = Array.from({ length: COUNTS.sections }, (_, i) => uuid(2, i));
  await client.query(`INSERT INTO "section" ("id", "slug", "name") SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
    sectionIds,
    sectionIds.map((_, i) => `section-${i}`),
    sectionIds.map((_, i) => `Section ${i}`),
  ]);
  const tagIds = Array.from({ length: COUNTS.tags }, (_, i) => uuid(3, i));
  await client.query(`INSERT INTO "tag" ("id", "slug", "name") SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
    tagIds,
    tagIds.map((_, i) => `tag-${i}`),
    tagIds.map((_, i) => `Tag ${i}`),
  ]);

  const publishedAt: number[] = [];
  bar.start(COUNTS.articles, 0, { stage: 'articles' });
  for (let start = 0; start < COUNTS.articles; start += BATCH.articles) {
    const rows = { id: [] as string[], slug: [] as string[], title: [] as string[], excerpt: [] as string[], body: [] as string[], at: [] as string[], author: [] as string[], section: [] as string[] };
    const links = { article: [] as string[], tag: [] as string[] };
    for (let n = start; n < Math.min(start + BATCH.articles, COUNTS.articles); n++) {
      const id = uuid(4, n);
      // Every 50th article shares its neighbour's instant, so pagination meets real ties.
      const at = n % 50 === 1 ? publishedAt[n - 1] : EPOCH - Math.floor(next() * TWO_YEARS_MS);
      publishedAt.push(at);
      rows.id.push(id);
      rows.slug.push(`article-${n}`);
      rows.title.push(sentence(next).slice(0, 120));
      rows.excerpt.push(sentence(next));
      rows.body.push(body(next));
      rows.at.push(new Date(at).toISOString());
      rows.author.push(authorIds[Math.floor(next() * authorIds.length)]);
      rows.section.push(sectionIds[Math.floor(next() * sectionIds.length)]);
      const tagCount = 2 + Math.floor(next() * 3); // 2–4, about 3 on average
      const chosen = new Set<string>();
      while (chosen.size < tagCount) chosen.add(tagIds[Math.floor(next() * tagIds.length)]);
      for (const tag of chosen) {
        links.article.push(id);
        links.tag.push(tag);
      }
    }
    await client.query(
      `INSERT INTO "article" ("id", "slug", "title", "excerpt", "body", "status", "published_at", "author_id", "section_id")
       SELECT "id", "slug", "title", "excerpt", "body", 'PUBLISHED', "at", "author", "section"
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[], $8::uuid[])
         AS t("id", "slug", "title", "excerpt", "body", "at", "author", "section")`,
      [rows.id, rows.slug, rows.title, rows.excerpt, rows.body, rows.at, rows.author, rows.section],
    );
    await client.query(`INSERT INTO "article_tag" ("article_id", "tag_id") SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [links.article, links.tag]);
    bar.update(start + rows.id.length);
  }
  bar.stop();

  bar.start(COUNTS.comments, 0, { stage: 'comments' });
  const topLevelByArticle: number[][] = Array.from({ length: COUNTS.articles }, () => []);
  const commentAt: number[] = [];
  const statuses = ['APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', 'PENDING', 'SPAM'];
  for (let start = 0; start < COUNTS.comments; start += BATCH.comments) {
    const rows = { id: [] as string[], article: [] as string[], parent: [] as (string | null)[], name: [] as string[], email: [] as string[], body: [] as string[], status: [] as string[], at: [] as string[] };
    for (let n = start; n < Math.min(start + BATCH.comments, COUNTS.comments); n++) {
      // Popularity is skewed: a few articles draw most comments, as on a real site.
      const article = Math.floor(COUNTS.articles * next() ** 2);
      const candidates = topLevelByArticle[article];
      const parent = candidates.length && next() < REPLY_SHARE ? candidates[Math.floor(next() * candidates.length)] : null;
      const after = parent === null ? publishedAt[article] : commentAt[parent];
      const at = after + Math.floor(next() * 72 * 3_600_000) + 1_000;
      commentAt[n] = at;
      if (parent === null) candidates.push(n);
      rows.id.push(uuid(5, n));
      rows.article.push(uuid(4, article));
      rows.parent.push(parent === null ? null : uuid(5, parent));
      rows.name.push(`Reader ${n % 5_000}`);
      rows.email.push(`reader${n % 5_000}@example.com`);
      rows.body.push(`${sentence(next)} ${sentence(next)}`);
      rows.status.push(statuses[Math.floor(next() * statuses.length)]);
      rows.at.push(new Date(at).toISOString());
    }
    await client.query(
      `INSERT INTO "comment" ("id", "article_id", "parent_id", "author_name", "author_email", "body", "status", "created_at", "depth")
       SELECT "id", "article", "parent", "name", "email", "body", "status"::comment_status, "at", CASE WHEN "parent" IS NULL THEN 0 ELSE 1 END
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
         AS t("id", "article", "parent", "name", "email", "body", "status", "at")`,
      [rows.id, rows.article, rows.parent, rows.name, rows.email, rows.body, rows.status, rows.at],
    );
    bar.update(start + rows.id.length);
  }
  bar.stop();

  await seedViews(client, bar);

  console.log('Analyzing tables…');
  await client.query('VACUUM ANALYZE');
  const [{ articles, comments, replies, views }] = (
    await client.query(
      `SELECT (SELECT count(*) FROM "article")::int AS "articles", (SELECT count(*) FROM "comment")::int AS "comments",
              (SELECT count(*) FROM "comment" WHERE "parent_id" IS NOT NULL)::int AS "replies",
              (SELECT count(*) FROM "article_view")::int AS "views"`,
    )
  ).rows;
  await client.end();
  console.log(`Seeded ${articles} articles, ${comments} comments (${replies} replies), ${views} views in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

/**
 * 2,000,000 counted views spread evenly over the last 90 days, generated inside PostgreSQL (setseed makes random()
 * repeatable) and inserted oldest first, as a live site appends them; then the rollups, built from them as the
 * recorder would have kept them. The popularity windows' totals are left to the gateway, which builds them when it
 * starts. Popularity is skewed like the comments: article n of a fixed order is drawn with probability falling as
 * 1/sqrt(n). Views are not deduplicated here: with 400,000 visitors a repeat within 30 minutes is vanishingly rare.
 */
async function seedViews(client: Client, bar: SingleBar): Promise<void> {
  await client.query(
    'TRUNCATE "article_view", "article_visitor", "article_view_hourly", "article_view_daily", "article_view_total", "popularity_window" RESTART IDENTITY',
  );
  await client.query('UPDATE "popularity_state" SET "as_of" = NULL');
  const seededAt = new Date();
  bar.start(COUNTS.views, 0, { stage: 'views' });
  for (let start = 0; start < COUNTS.views; start += BATCH.views) {
    const count = Math.min(BATCH.views, COUNTS.views - start);
    await client.query('BEGIN');
    await client.query(`SELECT setseed($1)`, [(start / COUNTS.views) * 0.9]);
    await client.query(
      `WITH articles AS (SELECT array_agg("id" ORDER BY "id") AS "ids" FROM "article")
       INSERT INTO "article_view" ("article_id", "visitor_hash", "viewed_at")
       SELECT "ids"[1 + floor(array_length("ids", 1) * power(random(), 2))::int],
              sha256(convert_to('bench-visitor-' || floor(random() * $3)::int, 'UTF8')),
              $2::timestamptz - interval '${VIEW_DAYS} days' + ("n" + random()) / $5 * interval '${VIEW_DAYS} days'
       FROM articles, generate_series($4::int, $4::int + $1 - 1) AS "n"`,
      [count, seededAt, VISITORS, start, COUNTS.views],
    );
    await client.query('COMMIT');
    bar.update(start + count);
  }
  bar.stop();
  console.log('Building view rollups…');
  await client.query(
    `INSERT INTO "article_view_hourly" ("article_id", "hour", "views", "unique_visitors")
     SELECT "article_id", date_trunc('hour', "viewed_at", 'UTC'), count(*), count(DISTINCT "visitor_hash") FROM "article_view" GROUP BY 1, 2`,
  );
  await client.query(
    `INSERT INTO "article_view_daily" ("article_id", "day", "views", "unique_visitors")
     SELECT "article_id", ("viewed_at" AT TIME ZONE 'UTC')::date, count(*), count(DISTINCT "visitor_hash") FROM "article_view" GROUP BY 1, 2`,
  );
  await client.query(
    `INSERT INTO "article_view_total" ("article_id", "views", "unique_visitors")
     SELECT "article_id", count(*), count(DISTINCT "visitor_hash") FROM "article_view" GROUP BY 1`,
  );
  await client.query(
    `INSERT INTO "article_visitor" ("article_id", "visitor_hash", "last_counted_at")
     SELECT "article_id", "visitor_hash", max("viewed_at") FROM "article_view" GROUP BY 1, 2`,
  );
  await client.query('VACUUM ANALYZE "article_view", "article_view_hourly", "article_view_daily", "article_view_total", "article_visitor"');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
