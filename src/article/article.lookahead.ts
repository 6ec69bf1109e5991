import type { GraphQLResolveInfo } from 'graphql';
import { parseResolveInfo, type ResolveTree } from 'graphql-parse-resolve-info';
import { MAX_PAGE_SIZE } from '../shared/pagination';
import { NO_EXTRAS, type ArticleExtras } from './article.service';

/**
 * Looks ahead into the query to see which of an article's relations it will ask for, so the statement that reads the
 * articles can read those too (see ArticleExtras). Only what is certain to be needed is read along; anything else
 * still goes through the loaders, so a wrong guess costs a statement, never a wrong answer.
 */
export function extrasForArticle(info: GraphQLResolveInfo): ArticleExtras {
  const tree = parseResolveInfo(info) as ResolveTree | null;
  return tree ? extrasFrom(tree.fieldsByTypeName.Article) : NO_EXTRAS;
}

/** As extrasForArticle, for a field returning an ArticleConnection: looks at edges { node { ... } }. */
export function extrasForArticleConnection(info: GraphQLResolveInfo): ArticleExtras {
  const tree = parseResolveInfo(info) as ResolveTree | null;
  const connection = tree?.fieldsByTypeName.ArticleConnection ?? {};
  let article: Record<string, ResolveTree> = {};
  for (const edges of Object.values(connection)) {
    if (edges.name !== 'edges') continue;
    for (const node of Object.values(edges.fieldsByTypeName.ArticleEdge ?? {})) {
      if (node.name === 'node') article = { ...article, ...node.fieldsByTypeName.Article };
    }
  }
  return extrasFrom(article);
}

function extrasFrom(fields: Record<string, ResolveTree> | undefined): ArticleExtras {
  if (!fields) return NO_EXTRAS;
  let tags = false;
  let commentCounts = false;
  let threadFirst: number | null = null;
  for (const field of Object.values(fields)) {
    if (field.name === 'tags') tags = true;
    else if (field.name === 'commentCount') commentCounts = true;
    else if (field.name === 'comments') {
      const { first, after, viewerToken } = field.args as { first?: unknown; after?: unknown; viewerToken?: unknown };
      // Only a public first page of a valid size: anything else is left to the resolver (and its validation).
      if (threadFirst === null && after == null && viewerToken == null && Number.isInteger(first) && (first as number) >= 1 && (first as number) <= MAX_PAGE_SIZE) {
        threadFirst = first as number;
      }
      if (Object.values(field.fieldsByTypeName.CommentConnection ?? {}).some((inner) => inner.name === 'totalCount')) commentCounts = true;
    }
  }
  return tags || commentCounts || threadFirst !== null ? { tags, commentCounts, threadFirst } : NO_EXTRAS;
}
