import { In, type DataSource, type Repository } from 'typeorm';
import { EntityRows, groupRows, pageByName, type NamePosition } from '../db/rows';
import type { Sql } from '../db/sql';
import { jsonArraySql } from '../db/json-sql';
import type { Page } from '../shared/pagination';
import { Section } from './section.entity';
import { Tag } from './tag.entity';

/** Sections and tags: the two ways a newsroom files its articles. */
export class TaxonomyService {
  private readonly sectionRepository: Repository<Section>;
  private readonly tagRepository: Repository<Tag>;
  private readonly tagRows: EntityRows<Tag>;

  constructor(
    dataSource: DataSource,
    private readonly sql: Sql,
  ) {
    this.sectionRepository = dataSource.getRepository(Section);
    this.tagRepository = dataSource.getRepository(Tag);
    this.tagRows = new EntityRows(dataSource, Tag);
  }

  /** Every section, by name. A newsroom has tens of them, so no pagination. */
  listSections(): Promise<Section[]> {
    return this.sectionRepository.find({ order: { name: 'ASC', id: 'ASC' } });
  }

  findSectionBySlug(slug: string): Promise<Section | null> {
    return this.sectionRepository.findOneBy({ slug });
  }

  findSectionsByIds(ids: readonly string[]): Promise<Section[]> {
    return this.sectionRepository.findBy({ id: In([...ids]) });
  }

  findTagBySlug(slug: string): Promise<Tag | null> {
    return this.tagRepository.findOneBy({ slug });
  }

  /** One page of tags in name order. */
  listTags(first: number, after: NamePosition | null): Promise<Page<Tag>> {
    return pageByName(this.tagRepository, first, after);
  }

  countTags(): Promise<number> {
    return this.tagRepository.count();
  }

  /**
   * A select-list expression giving, as a JSON array, the tags of the article whose id is `articleIdSql`, for
   * statements that read articles together with their tags. Read the result with tagsFromJson().
   */
  tagsJsonSql(articleIdSql: string): string {
    return `(SELECT coalesce(json_agg("x" ORDER BY "x"."t_name", "x"."t_id"), '[]'::json)
             FROM (SELECT ${this.tagRows.select('t')} ${TaxonomyService.tagsOf(articleIdSql)}) "x")`;
  }

  /**
   * As tagsJsonSql(), as JSON text, each tag given as the JSON text `tagJsonSql` builds from the SQL of its columns
   * (`column(property)`), in the same order.
   */
  tagsBuiltSql(articleIdSql: string, tagJsonSql: (column: (property: keyof Tag & string) => string) => string): string {
    return jsonArraySql(`SELECT ${tagJsonSql((property) => this.tagRows.columnOf('t', null, property))}
             ${TaxonomyService.tagsOf(articleIdSql)}
             ${TaxonomyService.TAG_ORDER}`);
  }

  tagsFromJson(json: unknown): Tag[] {
    return (json as Record<string, unknown>[]).map((row) => this.tagRows.readJson(row, 't'));
  }

  /** Each article's tags by name, in one statement. */
  async tagsOfArticles(articleIds: readonly string[]): Promise<Map<string, Tag[]>> {
    const rows: Record<string, unknown>[] = await this.sql.rows(
      `SELECT "at"."article_id"::text AS "article_id", ${this.tagRows.select('t')}
       ${TaxonomyService.tagsOf('ANY($1::uuid[])')}
       ${TaxonomyService.TAG_ORDER}`,
      [articleIds],
    );
    return groupRows(rows, 'article_id', (row) => this.tagRows.require(row, 't'));
  }

  /** The order an article's tags are listed in (as "t"). */
  private static readonly TAG_ORDER = `ORDER BY "t"."name", "t"."id"`;

  /** FROM and WHERE of the tags (as "t") of the articles whose id is `= articleIdsSql` (a value, or ANY(array)). */
  private static tagsOf(articleIdsSql: string): string {
    return `FROM "article_tag" "at" JOIN "tag" "t" ON "t"."id" = "at"."tag_id" WHERE "at"."article_id" = ${articleIdsSql}`;
  }
}
