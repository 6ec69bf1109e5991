import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import {
  AnalyticsResolver,
  ArticleSignupsResolver,
  ArticleStatsResolver,
  ArticleViewsResolver,
  AuthorViewsResolver,
  SectionViewsResolver,
} from './analytics/analytics.resolver';
import { ArticleViewCountResolver, PopularArticleResolver, TrendingArticleResolver, ViewsResolver } from './analytics/views.resolver';
import { ArticleResolver } from './article/article.resolver';
import { authChecker } from './auth/auth-checker';
import type { RequestContext } from './context';
import { AuthorResolver } from './author/author.resolver';
import { AuditResolver } from './audit/audit.resolver';
import { AuthResolver } from './auth/auth.resolver';
import { CommentModerationResolver } from './comment/comment-moderation.resolver';
import { CommentResolver } from './comment/comment.resolver';
import { EditorResolver } from './editor/editor.resolver';
import { NewsletterAdminResolver } from './newsletter/newsletter-admin.resolver';
import { NewsletterResolver } from './newsletter/newsletter.resolver';
import { rememberingClassValidator } from './shared/validation';
import { SectionResolver, TagResolver } from './taxonomy/taxonomy.resolver';

/** The one list of resolvers. */
export const RESOLVERS = [
  ArticleResolver,
  AuthorResolver,
  SectionResolver,
  TagResolver,
  CommentResolver,
  NewsletterResolver,
  AuthResolver,
  EditorResolver,
  CommentModerationResolver,
  NewsletterAdminResolver,
  AuditResolver,
  ViewsResolver,
  PopularArticleResolver,
  TrendingArticleResolver,
  ArticleViewCountResolver,
  AnalyticsResolver,
  ArticleViewsResolver,
  ArticleSignupsResolver,
  ArticleStatsResolver,
  SectionViewsResolver,
  AuthorViewsResolver,
] as const;

export async function buildAppSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    // class-validator limits on every @Args/@InputType run before a resolver does (see shared/validation.ts).
    validateFn: rememberingClassValidator(),
    // Roles are checked in one place: every @Authorized field goes through authChecker.
    authChecker,
  });
  freshLoadersForEachMutation(schema);
  return schema;
}

/**
 * Root mutation fields run one after another, each with its whole result read before the next starts. Each starts
 * with empty DataLoader caches, so `a: updateArticle(…) { tags } b: updateArticle(…) { tags }` shows b's own write,
 * not tags cached while reading a's result. Wrapping the root fields here leaves queries untouched (no per-field cost).
 */
function freshLoadersForEachMutation(schema: GraphQLSchema): void {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = (source, args, context: RequestContext, info) => {
      context.refreshLoaders();
      return resolve(source, args, context, info);
    };
  }
}

/** The schema as committed in schema.graphql: sorted, so diffs show real changes only. */
export async function printAppSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildAppSchema()))}\n`;
}
