import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Article } from '../article/article.entity';
import type { RequestContext } from '../context';
import { notFound } from '../shared/errors';
import {
  ArticleViewInput,
  PopularArgs,
  PopularArticle,
  RecordedView,
  RecordedViews,
  TrendingArgs,
  TrendingArticle,
  ViewOutcomeType,
} from './analytics.types';

/** The public side of popularity: apps report views; everyone reads "Popular", "Trending" and view counts. */
@Resolver()
export class ViewsResolver {
  @Mutation(() => RecordedView, { description: 'A reader saw an article. Answered once the view is stored (or known not to count).' })
  async recordArticleView(@Arg('input', () => ArticleViewInput) input: ArticleViewInput, @Ctx() { services, client }: RequestContext): Promise<RecordedView> {
    const [outcome] = await services.views.record([input], client);
    if (outcome === 'NOT_FOUND') throw notFound('There is no published article with this id.');
    return { outcome: outcome as ViewOutcomeType, counted: outcome === 'COUNTED' };
  }

  @Mutation(() => RecordedViews, { description: 'Up to 100 views at once (for apps that queue views offline); each gets its own outcome.' })
  async recordArticleViews(@Arg('views', () => [ArticleViewInput]) views: ArticleViewInput[], @Ctx() { services, client }: RequestContext): Promise<RecordedViews> {
    const outcomes = await services.views.record(views, client);
    return { received: outcomes.length, counted: outcomes.filter((outcome) => outcome === 'COUNTED').length, outcomes: outcomes as ViewOutcomeType[] };
  }

  @Query(() => [PopularArticle], { description: '"Popular": the most viewed public articles in a window, from the rollups.' })
  async popularArticles(@Args() { window, section, first }: PopularArgs, @Ctx() { services }: RequestContext): Promise<PopularArticle[]> {
    const ranked = await services.popularity.popular(window, section ?? null, first);
    return ranked.map(({ id, views, rank }) => ({ articleId: id, views, rank }));
  }

  @Query(() => [TrendingArticle], { description: '"Trending": recent views (and comments) with a time decay, each with the numbers behind its place.' })
  async trendingArticles(@Args() { first }: TrendingArgs, @Ctx() { services }: RequestContext): Promise<TrendingArticle[]> {
    const matches = await services.popularity.trending(first);
    return matches.map((match) => ({
      articleId: match.articleId,
      rank: match.rank,
      popularity: { views24h: match.views24h, views7d: match.views7d, comments: match.comments7d, score: match.score },
    }));
  }
}

@Resolver(() => PopularArticle)
export class PopularArticleResolver {
  @FieldResolver(() => Article)
  article(@Root() item: PopularArticle, @Ctx() { loaders }: RequestContext): Promise<Article | null> {
    return loaders.articles.byId.load(item.articleId);
  }
}

@Resolver(() => TrendingArticle)
export class TrendingArticleResolver {
  @FieldResolver(() => Article)
  article(@Root() item: TrendingArticle, @Ctx() { loaders }: RequestContext): Promise<Article | null> {
    return loaders.articles.byId.load(item.articleId);
  }
}

@Resolver(() => Article)
export class ArticleViewCountResolver {
  @FieldResolver(() => Int, { description: 'Counted views, all time.' })
  viewCount(@Root() article: Article, @Ctx() { loaders }: RequestContext): Promise<number> {
    return loaders.views.viewCount.load(article.id);
  }
}
