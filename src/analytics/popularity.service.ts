import { publicArticleSql } from '../article/article.service';
import type { Sql } from '../db/sql';
import { toPage, type Page } from '../shared/pagination';
import { PopularityWindow, utcDay, windowBounds } from './windows';

export type PopularitySource = 'rollups' | 'raw';

/** An item of a ranked list: what is ranked (an article, section or author id), its views, and its place (from 1). */
export type Ranked = {
  id: string;
  views: number;
  rank: number;
};

export interface TrendingMatch {
  articleId: string;
  rank: number;
  score: number;
  views24h: number;
  views7d: number;
  comments7d: number;
}

/** Trending looks back this far; with the decay, older views would add next to nothing. */
const TRENDING_LOOKBACK_HOURS = 7 * 24;
/** In the trending score a comment weighs as much as this many views: it is a much stronger sign of interest. */
export const TRENDING_COMMENT_WEIGHT = 10;

type Grouping = 'article' | 'section' | 'author';
const GROUP_COLUMN: Record<Grouping, string> = { article: '"w"."article_id"', section: '"a"."section_id"', author: '"a"."author_id"' };

/**
 * Popularity over time windows: counted from the rollups (see windows.ts for how a window is cut into raw, hourly
 * and daily parts, exact to the millisecond at its start), or, with POPULARITY_SOURCE=raw, from the raw view events
 * (the same answer, slower; the benchmark compares the two).
 */
export class PopularityService {
  constructor(
    private readonly sql: Sql,
    private readonly source: PopularitySource,
    private readonly trendingGravity: number,
  ) {}

  /** The most viewed public articles in `window`, optionally in one section (by slug), best first. */
  async popular(window: PopularityWindow, sectionSlug: string | null, first: number, now = new Date()): Promise<Ranked[]> {
    const parameters: unknown[] = [];
    const views = this.viewsInWindowSql(window, now, parameters);
    let sectionJoin = '';
    if (sectionSlug) {
      parameters.push(sectionSlug);
      sectionJoin = `JOIN "section" "s" ON "s"."id" = "a"."section_id" AND "s"."slug" = $${parameters.length}`;
    }
    parameters.push(first);
    const rows = await this.sql.rows<{ id: string; views: number }>(
      `SELECT "w"."article_id" AS "id", "w"."views"
       FROM (${views}) "w" JOIN "article" "a" ON "a"."id" = "w"."article_id" AND ${publicArticleSql('a')} ${sectionJoin}
       ORDER BY "w"."views" DESC, "a"."published_at" DESC, "a"."id"
       LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map((row, index) => ({ id: row.id, views: row.views, rank: index + 1 }));
  }

  /**
   * Views in `window` grouped by article, section or author, ranked (views, then id), one page after rank `afterRank`.
   * Every article counts, published or not any more: the views happened. For analysts' exports.
   */
  async rankedPage(grouping: Grouping, window: PopularityWindow, sectionSlug: string | null, first: number, afterRank: number | null, now = new Date()): Promise<Page<Ranked>> {
    const parameters: unknown[] = [];
    const ranked = this.rankedSql(grouping, window, sectionSlug, now, parameters);
    parameters.push(afterRank ?? 0, first + 1);
    const rows = await this.sql.rows<Ranked>(
      `SELECT * FROM (${ranked}) "r" WHERE "r"."rank" > $${parameters.length - 1} ORDER BY "r"."rank" LIMIT $${parameters.length}`,
      parameters,
    );
    return toPage(rows.map((row) => ({ ...row, rank: Number(row.rank) })), first);
  }

  async rankedCount(grouping: Grouping, window: PopularityWindow, sectionSlug: string | null, now = new Date()): Promise<number> {
    const parameters: unknown[] = [];
    const ranked = this.rankedSql(grouping, window, sectionSlug, now, parameters);
    const [{ count }] = await this.sql.rows<{ count: number }>(`SELECT count(*)::int AS "count" FROM (${ranked}) "r"`, parameters);
    return count;
  }

  /**
   * "Trending": public articles ranked by recent views with a time decay. Each hour's views (and comments, weighted)
   * count divided by (age in hours + 2) ^ TRENDING_GRAVITY, the age taken at the middle of the hour. With the score
   * come the plain numbers behind it.
   */
  async trending(first: number, now = new Date()): Promise<TrendingMatch[]> {
    const rows = await this.sql.rows<{ id: string; score: number }>(
      `WITH activity AS (
         SELECT "article_id", "hour", "views"::float8 AS "weight" FROM "article_view_hourly" WHERE "hour" >= $1
         UNION ALL
         SELECT "article_id", date_trunc('hour', "created_at", 'UTC'), $2::float8
         FROM "comment" WHERE "created_at" >= $1 AND "status" = 'APPROVED'
       )
       SELECT "t"."article_id" AS "id",
              sum("t"."weight" / power(greatest(extract(epoch FROM $3::timestamptz - "t"."hour") / 3600 - 0.5, 0) + 2, $4::float8)) AS "score"
       FROM activity "t" JOIN "article" "a" ON "a"."id" = "t"."article_id" AND ${publicArticleSql('a')}
       GROUP BY "t"."article_id", "a"."published_at"
       ORDER BY "score" DESC, "a"."published_at" DESC, "t"."article_id"
       LIMIT $5`,
      [new Date(now.getTime() - TRENDING_LOOKBACK_HOURS * 3_600_000), TRENDING_COMMENT_WEIGHT, now, this.trendingGravity, first],
    );
    if (!rows.length) return [];
    const ids = rows.map((row) => row.id);
    const [day, week, comments] = await Promise.all([
      this.viewsOf(ids, PopularityWindow.LAST_24_HOURS, now),
      this.viewsOf(ids, PopularityWindow.LAST_7_DAYS, now),
      this.sql.rows<{ article_id: string; count: number }>(
        `SELECT "article_id", count(*)::int AS "count" FROM "comment"
         WHERE "article_id" = ANY($1::uuid[]) AND "status" = 'APPROVED' AND "created_at" >= $2 GROUP BY "article_id"`,
        [ids, new Date(now.getTime() - 7 * 24 * 3_600_000 + 1)],
      ),
    ]);
    const commentCounts = new Map(comments.map((row) => [row.article_id, row.count]));
    return rows.map((row, index) => ({
      articleId: row.id,
      rank: index + 1,
      score: Number(row.score),
      views24h: day.get(row.id) ?? 0,
      views7d: week.get(row.id) ?? 0,
      comments7d: commentCounts.get(row.id) ?? 0,
    }));
  }

  /** Views of these articles in `window`. */
  async viewsOf(articleIds: readonly string[], window: PopularityWindow, now = new Date()): Promise<Map<string, number>> {
    const parameters: unknown[] = [];
    const views = this.viewsInWindowSql(window, now, parameters, articleIds);
    const rows = await this.sql.rows<{ article_id: string; views: number }>(views, parameters);
    return new Map(rows.map((row) => [row.article_id, row.views]));
  }

  private rankedSql(grouping: Grouping, window: PopularityWindow, sectionSlug: string | null, now: Date, parameters: unknown[]): string {
    const views = this.viewsInWindowSql(window, now, parameters);
    const group = GROUP_COLUMN[grouping];
    let sectionFilter = '';
    if (sectionSlug) {
      parameters.push(sectionSlug);
      sectionFilter = `AND "a"."section_id" = (SELECT "id" FROM "section" WHERE "slug" = $${parameters.length})`;
    }
    return `SELECT ${group} AS "id", sum("w"."views")::int AS "views",
                   row_number() OVER (ORDER BY sum("w"."views") DESC, ${group} DESC) AS "rank"
            FROM (${views}) "w" JOIN "article" "a" ON "a"."id" = "w"."article_id"
            WHERE ${group} IS NOT NULL ${sectionFilter}
            GROUP BY ${group}`;
  }

  /**
   * SQL for (article_id, views) in `window`, appending its parameters to `parameters`; `articleIds` narrows it.
   */
  private viewsInWindowSql(window: PopularityWindow, now: Date, parameters: unknown[], articleIds?: readonly string[]): string {
    const bounds = windowBounds(window, now);
    const param = (value: unknown) => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    const only = articleIds ? `AND "article_id" = ANY(${param(articleIds)}::uuid[])` : '';
    if (this.source === 'raw') {
      return `SELECT "article_id", count(*)::int AS "views" FROM "article_view" WHERE "viewed_at" >= ${param(bounds.start)} ${only} GROUP BY "article_id"`;
    }
    const start = param(bounds.start);
    const firstFullHour = param(bounds.firstFullHour);
    const firstFullDay = param(bounds.firstFullDay);
    const today = param(bounds.today);
    const firstFullDate = param(utcDay(bounds.firstFullDay));
    const todayDate = param(utcDay(bounds.today));
    return `SELECT "article_id", sum("views")::int AS "views" FROM (
              SELECT "article_id", count(*) AS "views" FROM "article_view"
              WHERE "viewed_at" >= ${start} AND "viewed_at" < ${firstFullHour} ${only} GROUP BY "article_id"
              UNION ALL
              SELECT "article_id", sum("views") FROM "article_view_hourly"
              WHERE "hour" >= ${firstFullHour} AND ("hour" < ${firstFullDay} OR "hour" >= ${today}) ${only} GROUP BY "article_id"
              UNION ALL
              SELECT "article_id", sum("views") FROM "article_view_daily"
              WHERE "day" >= ${firstFullDate}::date AND "day" < ${todayDate}::date ${only} GROUP BY "article_id"
            ) "parts" GROUP BY "article_id"`;
  }
}
