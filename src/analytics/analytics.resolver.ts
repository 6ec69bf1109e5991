import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Article } from '../article/article.entity';
import { Author } from '../author/author.entity';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { paginatedComplexity, rankCursor } from '../shared/pagination';
import { Section } from '../taxonomy/section.entity';
import {
  ArticleSignups,
  ArticleSignupsConnection,
  ArticleStats,
  ArticleViews,
  ArticleViewsArgs,
  ArticleViewsConnection,
  AuthorViews,
  AuthorViewsConnection,
  CommentActivity,
  SectionViews,
  SectionViewsConnection,
  SeriesRangeArgs,
  ViewSeries,
  ViewSeriesArgs,
  WindowPageArgs,
} from './analytics.types';

/** Who may read analytics: analysts and editors (and ADMIN, who may do everything). */
const ANALYSTS = [Role.ANALYST, Role.EDITOR];

const articleViewsCursor = rankCursor<ArticleViews>('article-views');
const sectionViewsCursor = rankCursor<SectionViews>('section-views');
const authorViewsCursor = rankCursor<AuthorViews>('author-views');
const signupsCursor = rankCursor<ArticleSignups>('article-signups');

/**
 * What analytics tools pull. Every list is a connection ranked by a stable order (views, then id), so a tool can page
 * through all of it with `after`; series are capped at 366 days and 2,000 points.
 */
@Resolver()
export class AnalyticsResolver {
  @Authorized(ANALYSTS)
  @Query(() => ArticleStats, { description: "An article's all-time views, unique visitors, comments and sign-ups (ANALYST, EDITOR)." })
  async articleStats(@Arg('id', () => ID) id: string, @Ctx() { services }: RequestContext): Promise<ArticleStats> {
    const stats = await services.analytics.articleStats(id);
    const { approved, pending, spam, trash } = stats.comments;
    return { ...stats, comments: { ...stats.comments, total: approved + pending + spam + trash } };
  }

  @Authorized(ANALYSTS)
  @Query(() => ViewSeries, { description: 'Views per hour, day or week, empty buckets included (ANALYST, EDITOR).' })
  async viewSeries(@Args() { filter, from, to, bucket }: ViewSeriesArgs, @Ctx() { services }: RequestContext): Promise<ViewSeries> {
    const points = await services.analytics.viewSeries(filter ?? {}, from, to, bucket);
    return { bucket, points, totalViews: points.reduce((sum, point) => sum + point.views, 0) };
  }

  @Authorized(ANALYSTS)
  @Query(() => CommentActivity, { description: 'Comments posted per hour, day or week, by status, empty buckets included (ANALYST, EDITOR).' })
  async commentActivity(@Args() { from, to, bucket }: SeriesRangeArgs, @Ctx() { services }: RequestContext): Promise<CommentActivity> {
    const points = await services.analytics.commentActivity(from, to, bucket);
    return { bucket, points, totalPosted: points.reduce((sum, point) => sum + point.posted, 0) };
  }

  @Authorized(ANALYSTS)
  @Query(() => ArticleViewsConnection, { description: 'Every viewed article\'s views in a window, most first (ANALYST, EDITOR).', complexity: paginatedComplexity() })
  async articleViews(@Args() { window, section, first, after }: ArticleViewsArgs, @Ctx() { services }: RequestContext): Promise<ArticleViewsConnection> {
    const page = await services.popularity.rankedPage('article', window, section ?? null, first, articleViewsCursor.decode(after));
    return ArticleViewsConnection.build(
      { items: page.items.map(({ id, views, rank }) => ({ articleId: id, views, rank })), hasNextPage: page.hasNextPage },
      articleViewsCursor.encode,
      () => services.popularity.rankedCount('article', window, section ?? null),
      after,
    );
  }

  @Authorized(ANALYSTS)
  @Query(() => SectionViewsConnection, { description: 'Sections by views in a window (ANALYST, EDITOR).', complexity: paginatedComplexity() })
  async topSections(@Args() { window, first, after }: WindowPageArgs, @Ctx() { services }: RequestContext): Promise<SectionViewsConnection> {
    const page = await services.popularity.rankedPage('section', window, null, first, sectionViewsCursor.decode(after));
    return SectionViewsConnection.build(
      { items: page.items.map(({ id, views, rank }) => ({ sectionId: id, views, rank })), hasNextPage: page.hasNextPage },
      sectionViewsCursor.encode,
      () => services.popularity.rankedCount('section', window, null),
      after,
    );
  }

  @Authorized(ANALYSTS)
  @Query(() => AuthorViewsConnection, { description: 'Authors by views in a window (ANALYST, EDITOR).', complexity: paginatedComplexity() })
  async topAuthors(@Args() { window, first, after }: WindowPageArgs, @Ctx() { services }: RequestContext): Promise<AuthorViewsConnection> {
    const page = await services.popularity.rankedPage('author', window, null, first, authorViewsCursor.decode(after));
    return AuthorViewsConnection.build(
      { items: page.items.map(({ id, views, rank }) => ({ authorId: id, views, rank })), hasNextPage: page.hasNextPage },
      authorViewsCursor.encode,
      () => services.popularity.rankedCount('author', window, null),
      after,
    );
  }

  @Authorized(ANALYSTS)
  @Query(() => ArticleSignupsConnection, { description: 'Newsletter sign-ups per article in a window, most first (ANALYST, EDITOR).', complexity: paginatedComplexity() })
  async signupsByArticle(@Args() { window, first, after }: WindowPageArgs, @Ctx() { services }: RequestContext): Promise<ArticleSignupsConnection> {
    const page = await services.analytics.signupsPage(window, first, signupsCursor.decode(after));
    return ArticleSignupsConnection.build(page, signupsCursor.encode, () => services.analytics.signupsCount(window), after);
  }
}

/**
 * The article behind an analytics row. Rows outlive publication (an article unpublished since still has its views),
 * so the article is given as the caller may read it (article.access.ts): null for an ANALYST when it is not public.
 */
const ARTICLE_OF_ROW = {
  nullable: true,
  description: 'Null when the article is gone, or is not public and your role may not read unpublished articles (ANALYST).',
} as const;

@Resolver(() => ArticleViews)
export class ArticleViewsResolver {
  @FieldResolver(() => Article, ARTICLE_OF_ROW)
  article(@Root() item: ArticleViews, @Ctx() { loaders }: RequestContext): Promise<Article | null> {
    return loaders.articles.readableById.load(item.articleId);
  }
}

@Resolver(() => ArticleSignups)
export class ArticleSignupsResolver {
  @FieldResolver(() => Article, ARTICLE_OF_ROW)
  article(@Root() item: ArticleSignups, @Ctx() { loaders }: RequestContext): Promise<Article | null> {
    return loaders.articles.readableById.load(item.articleId);
  }
}

@Resolver(() => ArticleStats)
export class ArticleStatsResolver {
  @FieldResolver(() => Article, ARTICLE_OF_ROW)
  article(@Root() item: ArticleStats, @Ctx() { loaders }: RequestContext): Promise<Article | null> {
    return loaders.articles.readableById.load(item.articleId);
  }
}

@Resolver(() => SectionViews)
export class SectionViewsResolver {
  @FieldResolver(() => Section)
  section(@Root() item: SectionViews, @Ctx() { loaders }: RequestContext): Promise<Section | null> {
    return loaders.taxonomy.sectionById.load(item.sectionId);
  }
}

@Resolver(() => AuthorViews)
export class AuthorViewsResolver {
  @FieldResolver(() => Author)
  author(@Root() item: AuthorViews, @Ctx() { loaders }: RequestContext): Promise<Author | null> {
    return loaders.authors.byId.load(item.authorId);
  }
}
