import type { Sql } from '../db/sql';
import { notFound } from '../shared/errors';
import { parseId } from '../shared/ids';
import { toPage, type Page } from '../shared/pagination';
import { nextBucket, seriesBuckets, SeriesBucket, utcDay, windowStart, type PopularityWindow } from './windows';

export interface ArticleStatsRow {
  articleId: string;
  views: number;
  uniqueVisitors: number;
  comments: { approved: number; pending: number; spam: number; trash: number };
  newsletterSignups: number;
  confirmedNewsletterSignups: number;
}

/** Which views a series counts: all, one article's, one section's (by slug) or one author's (by slug); combined with AND. */
export interface SeriesFilter {
  articleId?: string | null;
  section?: string | null;
  author?: string | null;
}

export interface SeriesPoint {
  start: Date;
  views: number;
}

export interface CommentActivityPoint {
  start: Date;
  posted: number;
  approved: number;
  pending: number;
  spam: number;
  trash: number;
}

export interface ArticleSignups {
  articleId: string;
  signups: number;
  confirmed: number;
  rank: number;
}

/** The numbers analytics tools pull: per-article stats, zero-filled series, sign-up attribution. */
export class AnalyticsService {
  constructor(private readonly sql: Sql) {}

  /** All-time counted views of these articles; articles never viewed are absent. */
  async viewCounts(articleIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.sql.rows<{ article_id: string; views: number }>(
      `SELECT "article_id", "views" FROM "article_view_total" WHERE "article_id" = ANY($1::uuid[])`,
      [articleIds],
    );
    return new Map(rows.map((row) => [row.article_id, row.views]));
  }

  /** All-time numbers for any article (published or not); NOT_FOUND when there is no such article. */
  async articleStats(id: string): Promise<ArticleStatsRow> {
    const articleId = parseId(id);
    const [row] = await this.sql.rows<Record<string, number | null>>(
      `SELECT (SELECT 1 FROM "article" WHERE "id" = $1) AS "exists", t."views", t."unique_visitors", c.*, n.*
       FROM (SELECT count(*) FILTER (WHERE "status" = 'APPROVED')::int AS "approved", count(*) FILTER (WHERE "status" = 'PENDING')::int AS "pending",
                    count(*) FILTER (WHERE "status" = 'SPAM')::int AS "spam", count(*) FILTER (WHERE "status" = 'TRASH')::int AS "trash"
             FROM "comment" WHERE "article_id" = $1) c
       CROSS JOIN (SELECT count(*)::int AS "signups", count("confirmed_at")::int AS "confirmed"
                   FROM "newsletter_subscription" WHERE "source_article_id" = $1) n
       LEFT JOIN "article_view_total" t ON t."article_id" = $1`,
      [articleId],
    );
    if (!row.exists) throw notFound('There is no article with this id.');
    return {
      articleId,
      views: row.views ?? 0,
      uniqueVisitors: row.unique_visitors ?? 0,
      comments: { approved: row.approved ?? 0, pending: row.pending ?? 0, spam: row.spam ?? 0, trash: row.trash ?? 0 },
      newsletterSignups: row.signups ?? 0,
      confirmedNewsletterSignups: row.confirmed ?? 0,
    };
  }

  /**
   * Views per bucket over [from, to), every bucket present (zero when nothing happened). Hours come from the hourly
   * rollup, days and weeks from the daily one; `from` is rounded down to its bucket.
   */
  async viewSeries(filter: SeriesFilter, from: Date, to: Date, bucket: SeriesBucket): Promise<SeriesPoint[]> {
    const buckets = seriesBuckets(from, to, bucket);
    const parameters: unknown[] = [];
    const conditions = await this.filterConditions(filter, parameters);
    const first = buckets[0];
    const last = buckets[buckets.length - 1];
    let statement: string;
    if (bucket === SeriesBucket.HOUR) {
      parameters.push(first, last);
      statement = `SELECT "r"."hour" AS "start", sum("r"."views")::int AS "views" FROM "article_view_hourly" "r" JOIN "article" "a" ON "a"."id" = "r"."article_id"
                   WHERE "r"."hour" >= $${parameters.length - 1} AND "r"."hour" <= $${parameters.length} ${conditions} GROUP BY 1`;
    } else {
      const lastDay = new Date(last.getTime() + (bucket === SeriesBucket.WEEK ? 6 : 0) * 86_400_000);
      parameters.push(utcDay(first), utcDay(lastDay));
      // As text: pg would turn a date into a Date at the server process's local midnight.
      const start = bucket === SeriesBucket.WEEK ? `date_trunc('week', "r"."day")::date::text` : `"r"."day"::text`;
      statement = `SELECT ${start} AS "start", sum("r"."views")::int AS "views" FROM "article_view_daily" "r" JOIN "article" "a" ON "a"."id" = "r"."article_id"
                   WHERE "r"."day" >= $${parameters.length - 1}::date AND "r"."day" <= $${parameters.length}::date ${conditions} GROUP BY 1`;
    }
    const rows = await this.sql.rows<{ start: Date | string; views: number }>(statement, parameters);
    const views = new Map(rows.map((row) => [startKey(row.start), row.views]));
    return buckets.map((start) => ({ start, views: views.get(start.toISOString()) ?? 0 }));
  }

  /** Comments posted per bucket over [from, to), by their status now; zero-filled. */
  async commentActivity(from: Date, to: Date, bucket: SeriesBucket): Promise<CommentActivityPoint[]> {
    const buckets = seriesBuckets(from, to, bucket);
    const unit = bucket === SeriesBucket.HOUR ? 'hour' : bucket === SeriesBucket.DAY ? 'day' : 'week';
    const rows = await this.sql.rows<{ start: Date; posted: number; approved: number; pending: number; spam: number; trash: number }>(
      `SELECT date_trunc('${unit}', "created_at", 'UTC') AS "start", count(*)::int AS "posted",
              count(*) FILTER (WHERE "status" = 'APPROVED')::int AS "approved", count(*) FILTER (WHERE "status" = 'PENDING')::int AS "pending",
              count(*) FILTER (WHERE "status" = 'SPAM')::int AS "spam", count(*) FILTER (WHERE "status" = 'TRASH')::int AS "trash"
       FROM "comment" WHERE "created_at" >= $1 AND "created_at" < $2 GROUP BY 1`,
      [buckets[0], nextBucket(buckets[buckets.length - 1], bucket)],
    );
    const byStart = new Map(rows.map((row) => [startKey(row.start), row]));
    return buckets.map((start) => {
      const row = byStart.get(start.toISOString());
      return { start, posted: row?.posted ?? 0, approved: row?.approved ?? 0, pending: row?.pending ?? 0, spam: row?.spam ?? 0, trash: row?.trash ?? 0 };
    });
  }

  /** Newsletter sign-ups made in `window` through each article's "Subscribe" box, most first; one page after `afterRank`. */
  async signupsPage(window: PopularityWindow, first: number, afterRank: number | null, now = new Date()): Promise<Page<ArticleSignups>> {
    const rows = await this.sql.rows<{ article_id: string; signups: number; confirmed: number; rank: string }>(
      `SELECT * FROM (${SIGNUPS_BY_ARTICLE}) "r" WHERE "r"."rank" > $2 ORDER BY "r"."rank" LIMIT $3`,
      [windowStart(window, now), afterRank ?? 0, first + 1],
    );
    return toPage(
      rows.map((row) => ({ articleId: row.article_id, signups: row.signups, confirmed: row.confirmed, rank: Number(row.rank) })),
      first,
    );
  }

  async signupsCount(window: PopularityWindow, now = new Date()): Promise<number> {
    const [{ count }] = await this.sql.rows<{ count: number }>(`SELECT count(*)::int AS "count" FROM (${SIGNUPS_BY_ARTICLE}) "r"`, [windowStart(window, now)]);
    return count;
  }

  /** SQL conditions on "a" (the article) for a series filter; unknown articles, sections or authors are NOT_FOUND. */
  private async filterConditions(filter: SeriesFilter, parameters: unknown[]): Promise<string> {
    let conditions = '';
    if (filter.articleId) {
      const id = parseId(filter.articleId, 'articleId');
      if (!(await this.sql.rows(`SELECT 1 FROM "article" WHERE "id" = $1`, [id])).length) throw notFound('There is no article with this id.');
      parameters.push(id);
      conditions += ` AND "a"."id" = $${parameters.length}`;
    }
    for (const [field, table, column] of [
      ['section', 'section', 'section_id'],
      ['author', 'author', 'author_id'],
    ] as const) {
      const slug = filter[field];
      if (!slug) continue;
      const [found] = await this.sql.rows<{ id: string }>(`SELECT "id" FROM "${table}" WHERE "slug" = $1`, [slug]);
      if (!found) throw notFound(`There is no ${field} with the slug "${slug}".`);
      parameters.push(found.id);
      conditions += ` AND "a"."${column}" = $${parameters.length}`;
    }
    return conditions;
  }
}

const SIGNUPS_BY_ARTICLE = `
  SELECT "source_article_id" AS "article_id", count(*)::int AS "signups", count("confirmed_at")::int AS "confirmed",
         row_number() OVER (ORDER BY count(*) DESC, "source_article_id" DESC) AS "rank"
  FROM "newsletter_subscription" WHERE "created_at" >= $1 AND "source_article_id" IS NOT NULL
  GROUP BY "source_article_id"`;

/** Rows give bucket starts as timestamps (hours, weeks of comments) or dates (days); both keyed as the ISO instant. */
function startKey(start: Date | string): string {
  return (start instanceof Date ? start : new Date(`${start}T00:00:00Z`)).toISOString();
}

