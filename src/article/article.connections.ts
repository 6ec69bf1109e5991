import type { GraphQLResolveInfo } from 'graphql';
import type { Loaders } from '../context';
import { keysetCursor, type PageArgs } from '../shared/pagination';
import type { Article } from './article.entity';
import type { ArticleGroup, ArticleSortOrder, PublishedPosition } from './article.service';
import { extrasForArticleConnection } from './article.lookahead';
import { ArticleConnection } from './article.types';

/** Cursors of date-ordered article lists; the order is part of the cursor so one cannot be replayed against the other. */
export const publishedCursor = {
  NEWEST_FIRST: dateCursor('articles:newest'),
  OLDEST_FIRST: dateCursor('articles:oldest'),
} satisfies Record<ArticleSortOrder, unknown>;

function dateCursor(kind: string) {
  return keysetCursor<Article, PublishedPosition>(
    kind,
    ['date', 'uuid'],
    (article) => [(article.publishedAt ?? article.createdAt).toISOString(), article.id],
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
