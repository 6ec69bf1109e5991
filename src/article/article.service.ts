import type { DataSource } from 'typeorm';
import { Author } from '../author/author.entity';
import type { Comment } from '../comment/comment.entity';
import type { ArticleCommentCounts, CommentService } from '../comment/comment.service';
import { EntityRows, groupRows } from '../db/rows';
import type { Sql } from '../db/sql';
import { badInput } from '../shared/errors';
import { MAX_PAGE_SIZE, toPage, type Page } from '../shared/pagination';
import { Section } from '../taxonomy/section.entity';
import type { Tag } from '../taxonomy/tag.entity';
import type { TaxonomyService } from '../taxonomy/taxonomy.service';
import type { UnpublishedAccess } from './article.access';
import { Article, canBePublicSql } from './article.entity';

/** The one definition of "the public may see this article": published, or scheduled and due. */
export function publicArticleSql(alias: string): string {
  return `("${alias}"."status" = 'PUBLISHED' OR ("${alias}"."status" = 'SCHEDULED' AND "${alias}"."published_at" <= now()))`;
}

export interface ArticleFilter {
  sectionSlug?: string | null;
  tagSlug?: string | null;
  authorSlug?: string | null;
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
}

export type ArticleSortOrder = 'NEWEST_FIRST' | 'OLDEST_FIRST';

/** Position in a list sorted by publication date: the last article seen. */
export interface PublishedPosition {
  publishedAt: Date;
  id: string;
}

/** The articles that can be grouped: an author's, a section's, a tag's. */
export type ArticleGroup = 'author' | 'section' | 'tag';

export type RelatedReason = 'SHARED_TAGS' | 'SAME_SECTION' | 'SAME_AUTHOR';

/**
 * What an article read can bring along in the same statement, when the caller knows it will be needed: the tags,
 * the comment counts, and the first page of the comment thread. On this kind of machine a statement's round trip
 * costs more than the extra columns, so a front page is answered by one statement instead of four.
 */
export interface ArticleExtras {
  tags: boolean;
  commentCounts: boolean;
  /** Size of the thread's first page to read along, or null. */
  threadFirst: number | null;
}

export const NO_EXTRAS: ArticleExtras = Object.freeze({ tags: false, commentCounts: false, threadFirst: null });

/** An article (with author and section attached) and the extras that were asked for. */
export interface ArticleRead {
  article: Article;
  tags?: Tag[];
  commentCounts?: ArticleCommentCounts;
  thread?: Page<Comment>;
}

/** The SQL of the columns a teaser row offers: an article's, its author's and its section's (null when it has none). */
export interface TeaserColumns {
  article(property: keyof Article & string): string;
  author(property: keyof Author & string): string;
  section(property: keyof Section & string): string;
}

/** An article of a list as the JSON text that was built (listPublicBuilt), with what its cursor needs. */
export interface BuiltArticle {
  id: string;
  publishedAt: Date;
  node: string | null;
}

export interface RelatedArticleMatch {
  article: Article;
  score: number;
  sharedTagCount: number;
  reasons: RelatedReason[];
}

export interface SearchHit {
  article: Article;
  rank: number;
  /** Plain text around the matches, with each match between the MATCH_START and MATCH_END characters. */
  snippet: string;
}

/** Position in a ranked search result. */
export interface SearchPosition {
  rank: number;
  id: string;
}

export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

/** Points a related article earns for each shared tag, a shared section and a shared author. */
const RELATED_WEIGHTS = { tag: 3, section: 2, author: 1 } as const;

export const MAX_SEARCH_QUERY_LENGTH = 200;

/**
 * Reads of public articles. Every list returns articles with `author` and `section` already attached (joined in the
 * same statement) so the GraphQL layer can prime its loaders instead of sending more statements.
 */
export class ArticleService {
  private readonly articles: EntityRows<Article>;
  private readonly authors: EntityRows<Author>;
  private readonly sections: EntityRows<Section>;

  constructor(
    dataSource: DataSource,
    private readonly sql: Sql,
    private readonly taxonomy: TaxonomyService,
    private readonly comments: CommentService,
  ) {
    this.articles = new EntityRows(dataSource, Article);
    this.authors = new EntityRows(dataSource, Author);
    this.sections = new EntityRows(dataSource, Section);
  }

  /** Columns of an article with its author ("au") and section ("s"), for statements that join them. */
  private get withRefsSelect(): string {
    return `${this.articles.select('a')}, ${this.authors.select('au')}, ${this.sections.select('s')}`;
  }

  /**
   * The same for lists, without the body: a page of 20 teasers would otherwise read ~80 KB of HTML that nobody
   * shows. A list item that is asked for its body gets it through bodiesOf().
   */
  private get teaserSelect(): string {
    return `${this.articles.select('a', ['body'])}, ${this.authors.select('au')}, ${this.sections.select('s')}`;
  }

  private readonly teaserColumns: TeaserColumns = {
    article: (property) => this.articles.columnOf('page', 'a', property),
    author: (property) => this.authors.columnOf('page', 'au', property),
    section: (property) => this.sections.columnOf('page', 's', property),
  };

  private readWithRefs(row: Record<string, unknown>): Article {
    const article = this.articles.require(row, 'a');
    article.author = this.authors.require(row, 'au');
    article.section = this.sections.read(row, 's');
    return article;
  }

  /**
   * Select-list entries for `extras`, about the article whose id is `articleIdSql`; pushes the parameters they need.
   * Read them back with readExtras().
   */
  private extrasSql(extras: ArticleExtras, articleIdSql: string, parameters: unknown[]): string {
    let sql = '';
    if (extras.tags) sql += `, ${this.taxonomy.tagsJsonSql(articleIdSql)} AS "extra_tags"`;
    if (extras.commentCounts) sql += `, ${this.comments.countsJsonSql(articleIdSql)} AS "extra_counts"`;
    if (extras.threadFirst !== null) {
      parameters.push(extras.threadFirst + 1);
      sql += `, ${this.comments.threadJsonSql(articleIdSql, `$${parameters.length}`)} AS "extra_thread"`;
    }
    return sql;
  }

  private readExtras(row: Record<string, unknown>, article: Article, extras: ArticleExtras): ArticleRead {
    const read: ArticleRead = { article };
    if (extras.tags) read.tags = this.taxonomy.tagsFromJson(row.extra_tags);
    if (extras.commentCounts) read.commentCounts = this.comments.countsFromJson(row.extra_counts);
    if (extras.threadFirst !== null) read.thread = this.comments.threadFromJson(row.extra_thread, extras.threadFirst);
    return read;
  }

  private static readonly JOIN_REFS = `JOIN "author" "au" ON "au"."id" = "a"."author_id" LEFT JOIN "section" "s" ON "s"."id" = "a"."section_id"`;

  /** A public article by slug or id (with `extras`), or null when it does not exist or is not public. */
  async findPublic(by: { slug: string } | { id: string }, extras: ArticleExtras = NO_EXTRAS): Promise<ArticleRead | null> {
    const [column, value] = 'slug' in by ? ['slug', by.slug] : ['id', by.id];
    const parameters: unknown[] = [value];
    const rows = await this.sql.rows(
      `SELECT ${this.withRefsSelect} ${this.extrasSql(extras, '"a"."id"', parameters)}
       FROM "article" "a" ${ArticleService.JOIN_REFS}
       WHERE "a"."${column}" = $1 AND ${publicArticleSql('a')}`,
      parameters,
    );
    return rows.length ? this.readExtras(rows[0], this.readWithRefs(rows[0]), extras) : null;
  }

  /** Public articles by id, in no particular order; ids that are missing or not public are absent. */
  findPublicByIds(ids: readonly string[]): Promise<Article[]> {
    return this.findByIds(ids, { publicOnly: true });
  }

  /**
   * Articles by id as one with `access` may read them (article.access.ts): public ones, and unpublished ones only as
   * far as `access` allows; the others, and ids that are missing, are absent.
   */
  findReadableByIds(ids: readonly string[], access: UnpublishedAccess): Promise<Article[]> {
    if (access.kind === 'none') return this.findPublicByIds(ids);
    if (access.kind === 'all') return this.findByIds(ids, { publicOnly: false });
    return this.findByIds(ids, { publicOnly: true, orByline: access.authorId });
  }

  private async findByIds(ids: readonly string[], { publicOnly, orByline }: { publicOnly: boolean; orByline?: string }): Promise<Article[]> {
    const visible = orByline ? `AND (${publicArticleSql('a')} OR "a"."author_id" = $2)` : publicOnly ? `AND ${publicArticleSql('a')}` : '';
    const rows = await this.sql.rows(
      `SELECT ${this.withRefsSelect} FROM "article" "a" ${ArticleService.JOIN_REFS}
       WHERE "a"."id" = ANY($1::uuid[]) ${visible}`,
      orByline ? [ids, orByline] : [ids],
    );
    return rows.map((row: Record<string, unknown>) => this.readWithRefs(row));
  }

  /**
   * One page of public articles matching `filter` (with `extras`), ordered by publication date with id as
   * tie-breaker.
   */
  async listPublic(
    filter: ArticleFilter,
    order: ArticleSortOrder,
    first: number,
    after: PublishedPosition | null,
    extras: ArticleExtras = NO_EXTRAS,
  ): Promise<Page<ArticleRead>> {
    const rows = await this.publicPage(filter, order, first, after, (parameters) => `"page".* ${this.extrasSql(extras, '"page"."a_id"', parameters)}`);
    return toPage(
      rows.map((row) => this.readExtras(row, this.readWithRefs(row), extras)),
      first,
    );
  }

  /**
   * As listPublic, each article given as the JSON text that `nodeSql` builds from its row (TeaserColumns), with its
   * position in the list.
   */
  async listPublicBuilt(
    filter: ArticleFilter,
    order: ArticleSortOrder,
    first: number,
    after: PublishedPosition | null,
    nodeSql: (columns: TeaserColumns, parameters: unknown[]) => string,
  ): Promise<Page<BuiltArticle>> {
    const rows = await this.publicPage(
      filter,
      order,
      first,
      after,
      // The row after the page only tells whether there is a next page: its article is not built (5% of the statement).
      (parameters, { limit, pageOrder }) =>
        `"page"."a_id"::text AS "id", "page"."a_published_at" AS "published_at",
         CASE WHEN row_number() OVER (ORDER BY ${pageOrder}) < ${limit} THEN ${nodeSql(this.teaserColumns, parameters)} END AS "node"`,
      // The node's SQL follows the client's query.
      { clientShaped: true },
    );
    return toPage(
      rows.map((row) => ({ id: row.id as string, publishedAt: row.published_at as Date, node: row.node as string | null })),
      first,
    );
  }

  /**
   * Rows of one page of public articles (teaser columns as "page"), and the one after it if any, each with what
   * `selectList` selects; it is told the placeholder of the row limit (`first` + 1) and the rows' order.
   */
  private async publicPage(
    filter: ArticleFilter,
    order: ArticleSortOrder,
    first: number,
    after: PublishedPosition | null,
    selectList: (parameters: unknown[], page: { limit: string; pageOrder: string }) => string,
    { clientShaped = false }: { clientShaped?: boolean } = {},
  ): Promise<Record<string, unknown>[]> {
    const { conditions, parameters } = this.filterSql(filter);
    const direction = order === 'NEWEST_FIRST' ? 'DESC' : 'ASC';
    if (after) {
      parameters.push(after.publishedAt, after.id);
      const comparison = direction === 'DESC' ? '<' : '>';
      conditions.push(`("a"."published_at", "a"."id") ${comparison} ($${parameters.length - 1}, $${parameters.length}::uuid)`);
    }
    parameters.push(first + 1);
    const limit = `$${parameters.length}`;
    // The page is cut first, so what the select list computes is computed for its rows only. The statement runs on its
    // cached generic plan: planning it afresh for each request's values cost PostgreSQL more than running it. A generic
    // plan cannot know how small `limit` is and, guessing a tenth of the table, would sort every article; the constant
    // inner LIMIT (the largest page) tells it the page is small, and execution stops at the outer LIMIT anyway.
    const pageOrder = `"page"."a_published_at" ${direction}, "page"."a_id" ${direction}`;
    return this.sql.rows(
      `SELECT ${selectList(parameters, { limit, pageOrder })}
       FROM (
         SELECT ${this.teaserSelect} FROM "article" "a" ${ArticleService.JOIN_REFS}
         WHERE ${conditions.join(' AND ')}
         ORDER BY "a"."published_at" ${direction}, "a"."id" ${direction}
         LIMIT ${MAX_PAGE_SIZE + 1}
       ) "page"
       ORDER BY ${pageOrder}
       LIMIT ${limit}`,
      parameters,
      { plan: 'generic', clientShaped },
    );
  }

  /** How many public articles match `filter`. */
  async countPublic(filter: ArticleFilter): Promise<number> {
    const { conditions, parameters } = this.filterSql(filter);
    const [row] = await this.sql.rows<{ count: number }>(`SELECT count(*)::int AS "count" FROM "article" "a" WHERE ${conditions.join(' AND ')}`, parameters);
    return row.count;
  }

  private filterSql(filter: ArticleFilter): { conditions: string[]; parameters: unknown[] } {
    const conditions = [publicArticleSql('a')];
    const parameters: unknown[] = [];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      parameters.push(value);
      conditions.push(sql(`$${parameters.length}`));
    };
    if (filter.sectionSlug != null) add((p) => `"a"."section_id" = (SELECT "id" FROM "section" WHERE "slug" = ${p})`, filter.sectionSlug);
    if (filter.authorSlug != null) add((p) => `"a"."author_id" = (SELECT "id" FROM "author" WHERE "slug" = ${p})`, filter.authorSlug);
    if (filter.tagSlug != null)
      add(
        (p) => `EXISTS (SELECT 1 FROM "article_tag" "at" JOIN "tag" "t" ON "t"."id" = "at"."tag_id" WHERE "at"."article_id" = "a"."id" AND "t"."slug" = ${p})`,
        filter.tagSlug,
      );
    if (filter.publishedAfter != null) add((p) => `"a"."published_at" >= ${p}`, filter.publishedAfter);
    if (filter.publishedBefore != null) add((p) => `"a"."published_at" < ${p}`, filter.publishedBefore);
    return { conditions, parameters };
  }

  /**
   * The first page of each group's public articles (with `extras`), newest first, in one statement (a LATERAL
   * top-N per group). Returns a page for every requested group id, empty where a group has no articles.
   */
  async pagesByGroup(
    group: ArticleGroup,
    groupIds: readonly string[],
    first: number,
    after: PublishedPosition | null,
    extras: ArticleExtras = NO_EXTRAS,
  ): Promise<Map<string, Page<ArticleRead>>> {
    const parameters: unknown[] = [groupIds, first + 1];
    let keyset = '';
    if (after) {
      parameters.push(after.publishedAt, after.id);
      keyset = `AND ("g"."published_at", "g"."id") < ($3, $4::uuid)`;
    }
    const rows: Record<string, unknown>[] = await this.sql.rows(
      `SELECT "k"."group_id"::text AS "group_id", ${this.teaserSelect} ${this.extrasSql(extras, '"a"."id"', parameters)}
       FROM unnest($1::uuid[]) WITH ORDINALITY AS "k"("group_id", "position")
       CROSS JOIN LATERAL (
         SELECT "g"."id" FROM "article" "g"
         WHERE ${ArticleService.groupCondition(group, 'g', '"k"."group_id"')} AND ${publicArticleSql('g')} ${keyset}
         ORDER BY "g"."published_at" DESC, "g"."id" DESC
         LIMIT $2
       ) "page"
       JOIN "article" "a" ON "a"."id" = "page"."id"
       ${ArticleService.JOIN_REFS}
       ORDER BY "k"."position", "a"."published_at" DESC, "a"."id" DESC`,
      parameters,
    );
    const grouped = groupRows(rows, 'group_id', (row) => this.readExtras(row, this.readWithRefs(row), extras));
    return new Map(groupIds.map((id) => [id, toPage(grouped.get(id) ?? [], first)]));
  }

  /** How many public articles each group holds. */
  async countsByGroup(group: ArticleGroup, groupIds: readonly string[]): Promise<Map<string, number>> {
    const rows: { group_id: string; count: number }[] = await this.sql.rows(
      `SELECT "k"."group_id"::text AS "group_id",
              (SELECT count(*) FROM "article" "g" WHERE ${ArticleService.groupCondition(group, 'g', '"k"."group_id"')} AND ${publicArticleSql('g')})::int AS "count"
       FROM unnest($1::uuid[]) AS "k"("group_id")`,
      [groupIds],
    );
    return new Map(rows.map((row) => [row.group_id, row.count]));
  }

  private static groupCondition(group: ArticleGroup, alias: string, groupIdSql: string): string {
    switch (group) {
      case 'author':
        return `"${alias}"."author_id" = ${groupIdSql}`;
      case 'section':
        return `"${alias}"."section_id" = ${groupIdSql}`;
      case 'tag':
        return `EXISTS (SELECT 1 FROM "article_tag" "gt" WHERE "gt"."article_id" = "${alias}"."id" AND "gt"."tag_id" = ${groupIdSql})`;
    }
  }

  /**
   * "More like this" for each article: other public articles scored by shared tags, same section and same author
   * (RELATED_WEIGHTS), best first, newest first among equals. An article with nothing in common gets an empty list.
   *
   * Every article sharing a tag, the section or the author is a candidate (thousands, on a large archive), and each
   * is scored from index entries alone (no article rows read). Only then are rows read, and only of the few that
   * can make the list: the score of the `first`-th best public candidate is found by checking candidates best
   * first until that many are public, and just the candidates scoring at least that are read, ordered and cut
   * (README, "Related articles", has the figures).
   */
  async relatedTo(articleIds: readonly string[], first: number): Promise<Map<string, RelatedArticleMatch[]>> {
    const score = `(sum("hit"."tag") * ${RELATED_WEIGHTS.tag}
                     + CASE WHEN bool_or("hit"."section") THEN ${RELATED_WEIGHTS.section} ELSE 0 END
                     + CASE WHEN bool_or("hit"."author") THEN ${RELATED_WEIGHTS.author} ELSE 0 END)::int`;
    // Section and author candidates come from the partial indexes over published and scheduled articles (their
    // predicate, so that PostgreSQL reads them index-only); whether a scheduled one is public yet is checked when rows
    // are read.
    const rows: Record<string, unknown>[] = await this.sql.rows(
      `SELECT "src"."id"::text AS "source_id", "match"."shared_tags", "match"."same_section", "match"."same_author", "match"."score",
              ${this.teaserSelect}
       FROM unnest($1::uuid[]) WITH ORDINALITY AS "k"("id", "position")
       JOIN "article" "src" ON "src"."id" = "k"."id"
       CROSS JOIN LATERAL (
         WITH "cand" AS MATERIALIZED (
           SELECT "hit"."id", sum("hit"."tag")::int AS "shared_tags", bool_or("hit"."section") AS "same_section",
                  bool_or("hit"."author") AS "same_author", ${score} AS "score"
           FROM (
             SELECT "other"."article_id" AS "id", 1 AS "tag", false AS "section", false AS "author"
             FROM "article_tag" "mine" JOIN "article_tag" "other" ON "other"."tag_id" = "mine"."tag_id"
             WHERE "mine"."article_id" = "src"."id"
             UNION ALL
             SELECT "s"."id", 0, true, false FROM "article" "s" WHERE "s"."section_id" = "src"."section_id" AND ${canBePublicSql('"s"."status"')}
             UNION ALL
             SELECT "w"."id", 0, false, true FROM "article" "w" WHERE "w"."author_id" = "src"."author_id" AND ${canBePublicSql('"w"."status"')}
           ) "hit"
           WHERE "hit"."id" <> "src"."id"
           GROUP BY "hit"."id"
         )
         SELECT "c"."id", "cand"."shared_tags", "cand"."same_section", "cand"."same_author", "cand"."score"
         FROM "cand" JOIN "article" "c" ON "c"."id" = "cand"."id"
         WHERE ${publicArticleSql('c')}
           AND "cand"."score" >= coalesce((
             -- OFFSET 0 keeps the sort below the row checks, so they stop at the first \`first\` public candidates.
             SELECT "best"."score" FROM (SELECT "id", "score" FROM "cand" ORDER BY "score" DESC OFFSET 0) "best"
             WHERE EXISTS (SELECT 1 FROM "article" "b" WHERE "b"."id" = "best"."id" AND ${publicArticleSql('b')})
             LIMIT 1 OFFSET $2 - 1
           ), 0)
         ORDER BY "cand"."score" DESC, "c"."published_at" DESC, "c"."id" DESC
         LIMIT $2
       ) "match"
       JOIN "article" "a" ON "a"."id" = "match"."id"
       ${ArticleService.JOIN_REFS}
       ORDER BY "k"."position", "match"."score" DESC, "a"."published_at" DESC, "a"."id" DESC`,
      [articleIds, first],
      { plan: 'generic' },
    );
    return groupRows(rows, 'source_id', (row) => {
      const reasons: RelatedReason[] = [];
      if ((row.shared_tags as number) > 0) reasons.push('SHARED_TAGS');
      if (row.same_section) reasons.push('SAME_SECTION');
      if (row.same_author) reasons.push('SAME_AUTHOR');
      return { article: this.readWithRefs(row), score: row.score as number, sharedTagCount: row.shared_tags as number, reasons };
    });
  }

  /**
   * Ranked full-text search over public articles (websearch syntax: "quoted phrases", or, -excluded), best match
   * first. Throws BAD_USER_INPUT for an empty or over-long query.
   */
  async search(query: string, first: number, after: SearchPosition | null): Promise<Page<SearchHit>> {
    const text = ArticleService.checkSearchQuery(query);
    const parameters: unknown[] = [text, first + 1];
    let keyset = '';
    if (after) {
      parameters.push(after.rank, after.id);
      keyset = `AND ("ranked"."rank" < $3::real OR ("ranked"."rank" = $3::real AND "ranked"."id" < $4::uuid))`;
    }
    const rows: Record<string, unknown>[] = await this.sql.rows(
      `WITH "q" AS (SELECT websearch_to_tsquery('english', $1) AS "query"),
       "ranked" AS (
         SELECT "m"."id", ts_rank_cd("m"."search_vector", "q"."query") AS "rank"
         FROM "article" "m", "q"
         WHERE "m"."search_vector" @@ "q"."query" AND ${publicArticleSql('m')}
       ),
       -- Page first, so ts_headline (the costly part) runs for this page's articles only.
       "page" AS (
         SELECT * FROM "ranked" WHERE true ${keyset}
         ORDER BY "ranked"."rank" DESC, "ranked"."id" DESC
         LIMIT $2
       )
       SELECT "page"."rank",
              ts_headline('english', regexp_replace("a"."body", '<[^>]*>', ' ', 'g'), "q"."query",
                'StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … "') AS "snippet",
              ${this.teaserSelect}
       FROM "page" CROSS JOIN "q"
       JOIN "article" "a" ON "a"."id" = "page"."id"
       ${ArticleService.JOIN_REFS}
       ORDER BY "page"."rank" DESC, "page"."id" DESC`,
      parameters,
    );
    return toPage(
      rows.map((row) => ({ article: this.readWithRefs(row), rank: row.rank as number, snippet: String(row.snippet) })),
      first,
    );
  }

  /** The bodies of articles read as teasers; ids that are not public are absent. */
  async bodiesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.sql.rows<{ id: string; body: string }>(
      `SELECT "a"."id"::text AS "id", "a"."body" FROM "article" "a" WHERE "a"."id" = ANY($1::uuid[]) AND ${publicArticleSql('a')}`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.body]));
  }

  /** How many public articles match a search query. */
  async countSearch(query: string): Promise<number> {
    const text = ArticleService.checkSearchQuery(query);
    const [row] = await this.sql.rows<{ count: number }>(
      `SELECT count(*)::int AS "count" FROM "article" "a"
       WHERE "a"."search_vector" @@ websearch_to_tsquery('english', $1) AND ${publicArticleSql('a')}`,
      [text],
    );
    return row.count;
  }

  private static checkSearchQuery(query: string): string {
    const text = query.trim();
    if (!text) throw badInput('query must not be empty', 'query');
    if (text.length > MAX_SEARCH_QUERY_LENGTH) throw badInput(`query must be at most ${MAX_SEARCH_QUERY_LENGTH} characters`, 'query');
    return text;
  }
}
