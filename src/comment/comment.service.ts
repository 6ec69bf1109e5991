import type { DataSource } from 'typeorm';
import { EntityRows, groupRows } from '../db/rows';
import type { Sql } from '../db/sql';
import { jsonArraySql } from '../db/json-sql';
import { toPage, type CreatedPosition, type Page } from '../shared/pagination';
import { Comment } from './comment.entity';

export interface ArticleCommentCounts {
  /** Comments and replies a reader can see: approved, under approved comments only (ArticleCommentCount.visible). */
  all: number;
  /** Approved top-level comments. */
  topLevel: number;
}

/**
 * Reads of the public thread under an article. Statuses are written into the SQL, not passed as parameters, so the
 * planner can use the partial indexes built for approved comments. Private columns (the commenter's address) are
 * never read here.
 */
export class CommentService {
  private readonly rows: EntityRows<Comment>;
  /** Comment columns fit for the public thread. */
  private readonly publicColumns: string;

  constructor(
    dataSource: DataSource,
    private readonly sql: Sql,
  ) {
    this.rows = new EntityRows(dataSource, Comment);
    this.publicColumns = this.rows.select('c', ['authorEmail', 'viewerKey', 'ipHash']);
  }

  /** Approved comments by id, in no particular order. */
  async findApprovedByIds(ids: readonly string[]): Promise<Comment[]> {
    const rows: Record<string, unknown>[] = await this.sql.rows(
      `SELECT ${this.publicColumns} FROM "comment" "c" WHERE "c"."id" = ANY($1::uuid[]) AND "c"."status" = 'APPROVED'`,
      [ids],
    );
    return rows.map((row) => this.rows.require(row, 'c'));
  }

  /**
   * A select-list expression giving, as JSON, the visible comment counts of the article whose id is `articleIdSql`.
   * Read the result with countsFromJson().
   */
  countsJsonSql(articleIdSql: string): string {
    return `coalesce((SELECT json_build_object('all', "n"."visible", 'topLevel', "n"."top_level") FROM "article_comment_count" "n" WHERE "n"."article_id" = ${articleIdSql}),
                     json_build_object('all', 0, 'topLevel', 0))`;
  }

  /**
   * A scalar subquery: how many visible comments (all: approved, with every comment above them approved; or approved
   * top-level ones only) the article `articleIdSql` has. The database keeps the counts (ArticleCommentCount).
   */
  visibleCountSql(articleIdSql: string, which: 'all' | 'topLevel'): string {
    return `coalesce((SELECT "n"."${which === 'all' ? 'visible' : 'top_level'}" FROM "article_comment_count" "n" WHERE "n"."article_id" = ${articleIdSql}), 0)`;
  }

  /**
   * A select-list expression giving, as JSON text of an array, the first `limitSql` approved top-level comments of the
   * article `articleIdSql`, oldest first, each as the JSON text `commentJsonSql` builds from the SQL of its columns
   * (`column(property)`).
   */
  threadBuiltSql(articleIdSql: string, limitSql: string, commentJsonSql: (column: (property: keyof Comment & string) => string) => string): string {
    const comment = commentJsonSql((property) => this.rows.columnOf('c', null, property));
    return jsonArraySql(`SELECT ${comment} FROM (${this.threadPageSql(articleIdSql, limitSql)}) "c" ORDER BY "c"."created_at", "c"."id"`);
  }

  /** A boolean expression: whether the article `articleIdSql` has more than `firstSql` approved top-level comments. */
  threadHasMoreSql(articleIdSql: string, firstSql: string): string {
    return `((SELECT count(*) FROM (${this.threadPageSql(articleIdSql, `(${firstSql}) + 1`)}) "more") > ${firstSql})`;
  }

  /** The first `limitSql` approved top-level comments of the article `articleIdSql`, oldest first: a subquery. */
  private threadPageSql(articleIdSql: string, limitSql: string, selectList = '"c".*'): string {
    return `SELECT ${selectList} FROM "comment" "c"
            WHERE "c"."article_id" = ${articleIdSql} AND "c"."parent_id" IS NULL AND "c"."status" = 'APPROVED'
            ORDER BY "c"."created_at", "c"."id"
            LIMIT ${limitSql}`;
  }

  countsFromJson(json: unknown): ArticleCommentCounts {
    const counts = json as { all: number; topLevel: number };
    return { all: Number(counts.all), topLevel: Number(counts.topLevel) };
  }

  /**
   * A select-list expression giving, as a JSON array, the first page of approved top-level comments (oldest first,
   * each with its reply count) of the article whose id is `articleIdSql`; `limitSql` must hold first + 1.
   * Read the result with threadFromJson().
   */
  threadJsonSql(articleIdSql: string, limitSql: string): string {
    return `(SELECT coalesce(json_agg("x" ORDER BY "x"."c_created_at", "x"."c_id"), '[]'::json)
             FROM (${this.threadPageSql(articleIdSql, limitSql, this.publicColumns)}) "x")`;
  }

  threadFromJson(json: unknown, first: number): Page<Comment> {
    const rows = json as Record<string, unknown>[];
    return toPage(
      rows.map((row) => this.rows.readJson(row, 'c')),
      first,
    );
  }

  /** Visible comment counts of each article; articles without comments are absent. */
  async countsByArticle(articleIds: readonly string[]): Promise<Map<string, ArticleCommentCounts>> {
    const rows = await this.sql.rows<{ article_id: string; all: number; top_level: number }>(
      `SELECT "article_id"::text AS "article_id", "visible" AS "all", "top_level" FROM "article_comment_count" WHERE "article_id" = ANY($1::uuid[])`,
      [articleIds],
    );
    return new Map(rows.map((row) => [row.article_id, { all: row.all, topLevel: row.top_level }]));
  }

  /** The first page of each article's approved top-level comments, oldest first, in one statement. */
  threadPages(
    articleIds: readonly string[],
    first: number,
    after: CreatedPosition | null,
    viewerKey: string | null = null,
  ): Promise<Map<string, Page<Comment>>> {
    return this.pagesBy('"c"."article_id" = "k"."owner_id" AND "c"."parent_id" IS NULL', articleIds, first, after, viewerKey);
  }

  /** The first page of each comment's approved replies (and the viewer's pending ones), oldest first, in one statement. */
  replyPages(
    parentIds: readonly string[],
    first: number,
    after: CreatedPosition | null,
    viewerKey: string | null = null,
  ): Promise<Map<string, Page<Comment>>> {
    return this.pagesBy('"c"."parent_id" = "k"."owner_id"', parentIds, first, after, viewerKey);
  }

  /** One page of a viewer's own comments (pending or approved), oldest first. */
  async ownPage(viewerKey: string, first: number, after: CreatedPosition | null): Promise<Page<Comment>> {
    const parameters: unknown[] = [viewerKey, first + 1];
    let keyset = '';
    if (after) {
      parameters.push(after.createdAt, after.id);
      keyset = `AND ("c"."created_at", "c"."id") > ($3, $4::uuid)`;
    }
    const rows = await this.sql.rows(
      `SELECT ${this.publicColumns} FROM "comment" "c"
       WHERE "c"."viewer_key" = $1 AND "c"."status" IN ('PENDING', 'APPROVED') ${keyset}
       ORDER BY "c"."created_at", "c"."id" LIMIT $2`,
      parameters,
    );
    return toPage(
      rows.map((row) => this.rows.require(row, 'c')),
      first,
    );
  }

  async countOwn(viewerKey: string): Promise<number> {
    const [row] = await this.sql.rows<{ count: number }>(
      `SELECT count(*)::int AS "count" FROM "comment" WHERE "viewer_key" = $1 AND "status" IN ('PENDING', 'APPROVED')`,
      [viewerKey],
    );
    return row.count;
  }

  private async pagesBy(
    ownerCondition: string,
    ownerIds: readonly string[],
    first: number,
    after: CreatedPosition | null,
    viewerKey: string | null,
  ): Promise<Map<string, Page<Comment>>> {
    const parameters: unknown[] = [ownerIds, first + 1];
    let keyset = '';
    if (after) {
      parameters.push(after.createdAt, after.id);
      keyset = `AND ("c"."created_at", "c"."id") > ($3, $4::uuid)`;
    }
    let visible = `"c"."status" = 'APPROVED'`;
    if (viewerKey) {
      parameters.push(viewerKey);
      // The poster, through their viewer token, also sees their own comments still awaiting moderation.
      visible = `("c"."status" = 'APPROVED' OR ("c"."status" = 'PENDING' AND "c"."viewer_key" = $${parameters.length}::uuid))`;
    }
    const rows: Record<string, unknown>[] = await this.sql.rows(
      `SELECT "k"."owner_id"::text AS "owner_id", "page".*
       FROM unnest($1::uuid[]) WITH ORDINALITY AS "k"("owner_id", "position")
       CROSS JOIN LATERAL (
         SELECT ${this.publicColumns} FROM "comment" "c"
         WHERE ${ownerCondition} AND ${visible} ${keyset}
         ORDER BY "c"."created_at", "c"."id"
         LIMIT $2
       ) "page"
       ORDER BY "k"."position", "page"."c_created_at", "page"."c_id"`,
      parameters,
    );
    const grouped = groupRows(rows, 'owner_id', (row) => this.rows.require(row, 'c'));
    return new Map(ownerIds.map((id) => [id, toPage(grouped.get(id) ?? [], first)]));
  }
}
