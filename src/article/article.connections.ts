import type { GraphQLResolveInfo } from 'graphql';
import type { Loaders } from '../context';
import { keysetCursor, type PageArgs } from '../shared/pagination';
import type { Article } from './article.entity';
import type { ArticleFilter, ArticleGroup, ArticleSortOrder, PublishedPosition } from './article.service';
import { extrasForArticleConnection } from './article.lookahead';
import type { ArticlesArgs } from './article.inputs';
import { ArticleConnection, ArticleOrder } from './article.types';

/** Cursors of date-ordered article lists; the order is part of the cursor so one cannot be replayed against the other. */
export const publishedCursor = {
  NEWEST_FIRST: dateCursor('articles:newest'),
  OLDEST_FIRST: dateCursor('articles:oldest'),
} satisfies Record<ArticleSortOrder, unknown>;

const SORT_ORDER = { [ArticleOrder.PUBLISHED_AT_DESC]: 'NEWEST_FIRST', [ArticleOrder.PUBLISHED_AT_ASC]: 'OLDEST_FIRST' } as const;

/** What the `articles` arguments ask the service for, and the cursor of the list they describe. */
export function articleListing({ filter, orderBy }: Pick<ArticlesArgs, 'filter' | 'orderBy'>) {
  const order = SORT_ORDER[orderBy];
  const criteria: ArticleFilter = {
    sectionSlug: filter?.section,
    tagSlug: filter?.tag,
    authorSlug: filter?.author,
    publishedAfter: filter?.publishedAfter,
    publishedBefore: filter?.publishedBefore,
  };
  return { criteria, order, cursor: publishedCursor[order] };
}

/** What a date cursor is made of: an article, or a built one (article.direct.ts). Drafts (previews) have no publishedAt. */
type DatedArticle = Pick<Article, 'id' | 'publishedAt'> & Partial<Pick<Article, 'createdAt'>>;

function dateCursor(kind: string) {
  return keysetCursor<DatedArticle, PublishedPosition>(
    kind,
    ['date', 'uuid'],
    (article) => [(article.publishedAt ?? (article.createdAt as Date)).toISOString(), article.id],
    ([publishedAt, id]) => ({ publishedAt: new Date(publishedAt as string), id: id as string }),
  );
}

/**
 * `articles` of an author, section or tag: batched across all the groups a query asks for, with what the query will
 * ask of each article read along (see extrasForArticleConnection).
 */
export async function groupArticlesConnection(
  loaders: Loaders,
  group: ArticleGroup,
  groupId: string,
  { first, after }: PageArgs,
  info: GraphQLResolveInfo,
): Promise<ArticleConnection> {
  const cursor = publishedCursor.NEWEST_FIRST;
  const page = await loaders.articles.groupPage(group, first, cursor.decode(after), extrasForArticleConnection(info)).load(groupId);
  return ArticleConnection.build(page, cursor.encode, () => loaders.articles.groupCount(group).load(groupId), after);
}
