import type { Author } from '../author/author.entity';
import { threadSql } from '../comment/comment.direct';
import type { RequestContext } from '../context';
import { isoTimestampSql } from '../db/json-sql';
import { BuiltJson, childrenOf, connectionFields, notDirect, plainString, type DirectReadsSpec, type JsonBuild, type JsonText, type SelectedField, type SqlFields } from '../shared/direct-reads';
import { readingTimeMinutesSql } from '../shared/html';
import { plainConnection, type ConnectionBase } from '../shared/pagination';
import { rememberingClassValidator } from '../shared/validation';
import type { Section } from '../taxonomy/section.entity';
import type { Tag } from '../taxonomy/tag.entity';
import { articleListing } from './article.connections';
import { ArticleFilter, ArticlesArgs } from './article.inputs';
import type { BuiltArticle, PublishedPosition, TeaserColumns } from './article.service';

/** The same class-validator checks the `articles` resolver's arguments go through (schema.ts). */
const validateArguments = rememberingClassValidator();

/** The one Article selection under `edges { node }`; a query that shapes nodes twice is left to the executor. */
function nodeSelection(connection: SelectedField): SelectedField | null {
  const nodes = childrenOf(connection)
    .filter((child) => child.name === 'edges')
    .flatMap((edges) => childrenOf(edges).filter((child) => child.name === 'node'));
  if (nodes.length > 1) notDirect('more than one edges { node } selection');
  return nodes[0] ?? null;
}

/**
 * The public article list (`articles`), each article built by PostgreSQL as the query asks for it: the same
 * arguments, checks, statement and cursors as ArticleResolver.articles, without the executor.
 */
async function articles(args: Record<string, unknown>, field: SelectedField, context: RequestContext, json: (parameters: unknown[]) => JsonBuild): Promise<ConnectionBase<BuiltJson>> {
  const input = Object.assign(new ArticlesArgs(), args, { filter: args.filter && Object.assign(new ArticleFilter(), args.filter as object) });
  try {
    await validateArguments(input, ArticlesArgs, undefined as never);
  } catch {
    notDirect('invalid arguments');
  }
  const { criteria, order, cursor } = articleListing(input);
  let after: PublishedPosition | null;
  try {
    after = cursor.decode(input.after);
  } catch {
    notDirect('not a cursor of this list');
  }
  const node = nodeSelection(field);
  const page = await context.services.articles.listPublicBuilt(criteria, order, input.first, after, (columns, parameters) =>
    node ? json(parameters).object(node, columns) : 'NULL',
  );
  const positions = new Map<BuiltJson, BuiltArticle>();
  const items = page.items.map((article) => {
    context.cache.members.article(article.id);
    const built = new BuiltJson(article.node ?? 'null');
    positions.set(built, article);
    return built;
  });
  return plainConnection(
    { items, hasNextPage: page.hasNextPage },
    (built) => cursor.encode(positions.get(built) as BuiltArticle),
    () => context.services.articles.countPublic(criteria),
    input.after,
  );
}

const article: SqlFields<TeaserColumns> = {
  id: (row) => plainString(row.article('id')),
  slug: (row) => row.article('slug'),
  title: (row) => row.article('title'),
  excerpt: (row) => row.article('excerpt'),
  status: (row) => plainString(row.article('status')),
  version: (row) => row.article('version'),
  commentsOpen: (row) => row.article('commentsOpen'),
  wordCount: (row) => row.article('wordCount'),
  publishedAt: (row) => plainString(isoTimestampSql(row.article('publishedAt'))),
  updatedAt: (row) => plainString(isoTimestampSql(row.article('updatedAt'))),
  readingTimeMinutes: (row) => readingTimeMinutesSql(row.article('wordCount')),
  url: (row, _field, json) => json.context.services.articleLinks.urlSql({ slug: row.article('slug'), id: row.article('id'), publishedAt: row.article('publishedAt') }),
  // As ArticleResolver.featuredImage: none without a URL.
  featuredImage: (row, field, json) => `CASE WHEN coalesce(${row.article('featuredImageUrl')}, '') = '' THEN NULL ELSE ${json.object(field, row)} END`,
  author: (row, field, json) => json.object(field, row.author),
  section: (row, field, json) => `CASE WHEN ${row.section('id')} IS NULL THEN NULL ELSE ${json.object(field, row.section)} END`,
  tags: (row, field, json) => json.context.services.taxonomy.tagsBuiltSql(row.article('id'), (column) => json.object(field, column)),
  commentCount: (row, _field, json) => json.context.services.comments.visibleCountSql(row.article('id'), 'all'),
  comments: (row, field, json) => threadSql(row.article('id'), field, json),
};

export const articleDirectReads: DirectReadsSpec = {
  roots: { articles },
  types: connectionFields('Article'),
  built: {
    Article: article,
    FeaturedImage: {
      url: (row: TeaserColumns) => row.article('featuredImageUrl'),
      alt: (row: TeaserColumns) => row.article('featuredImageAlt'),
      caption: (row: TeaserColumns) => row.article('featuredImageCaption'),
    },
    Author: columnsOf<Author>('slug', 'name', 'bio', 'avatarUrl', { id: plainString, createdAt: (sql) => plainString(isoTimestampSql(sql)) }),
    Section: columnsOf<Section>('slug', 'name', { id: plainString }),
    Tag: columnsOf<Tag>('slug', 'name', { id: plainString }),
  },
};

/** SQL fields that are columns as they are, or (in the last argument) columns through a conversion. */
function columnsOf<T>(
  ...names: [...(keyof T & string)[], Partial<Record<keyof T & string, (sql: string) => string | JsonText>>] | (keyof T & string)[]
): SqlFields<(property: keyof T & string) => string> {
  const fields: SqlFields<(property: keyof T & string) => string> = {};
  for (const entry of names) {
    if (typeof entry === 'string') fields[entry] = (column) => column(entry);
    else for (const [name, convert] of Object.entries(entry)) fields[name] = (column) => (convert as (sql: string) => string | JsonText)(column(name as keyof T & string));
  }
  return fields;
}
