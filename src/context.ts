import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { AnalyticsService } from './analytics/analytics.service';
import { PopularityService } from './analytics/popularity.service';
import { ViewLoaders } from './analytics/view.loader';
import { ViewService } from './analytics/view.service';
import { ArticleLinks } from './article/article.links';
import { AuditService } from './audit/audit.service';
import { ANONYMOUS, AuthService, type Viewer } from './auth/auth.service';
import { CommentModerationService } from './comment/comment-moderation.service';
import { ArticleEditingService } from './editor/article-editing.service';
import { NewsroomEditingService } from './editor/newsroom-editing.service';
import { unpublishedAccessOf } from './article/article.access';
import { ArticleLoaders } from './article/article.loader';
import { ArticleService } from './article/article.service';
import { AuthorLoaders } from './author/author.loader';
import { AuthorService } from './author/author.service';
import { CommentPostingService } from './comment/comment-posting.service';
import { CommentLoaders } from './comment/comment.loader';
import { CommentService } from './comment/comment.service';
import { ViewerTokens } from './comment/viewer-token';
import { RequestCacheState } from './cache/cache-plugin';
import type { ResponseMembers } from './cache/cache-tags';
import type { ContentChanges } from './cache/content-changes';
import type { AppConfig } from './config';
import type { Sql } from './db/sql';
import { NewsletterService } from './newsletter/newsletter.service';
import type { ClientInfo } from './shared/client';
import { RateLimits } from './shared/rate-limit';
import { TaxonomyLoaders } from './taxonomy/taxonomy.loader';
import { TaxonomyService } from './taxonomy/taxonomy.service';

/** Long-lived, stateless collaborators, created once by the composition root. */
export interface Services {
  readonly auth: AuthService;
  readonly audit: AuditService;
  readonly articleEditing: ArticleEditingService;
  readonly newsroomEditing: NewsroomEditingService;
  readonly commentModeration: CommentModerationService;
  readonly articles: ArticleService;
  readonly authors: AuthorService;
  readonly taxonomy: TaxonomyService;
  readonly comments: CommentService;
  readonly commentPosting: CommentPostingService;
  /** Issues and reads the tokens that let a reader see and edit their own comments. */
  readonly viewerTokens: ViewerTokens;
  readonly newsletter: NewsletterService;
  readonly rateLimits: RateLimits;
  readonly articleLinks: ArticleLinks;
  readonly views: ViewService;
  readonly popularity: PopularityService;
  readonly analytics: AnalyticsService;
}

export function createServices(infrastructure: {
  dataSource: DataSource;
  sql: Sql;
  redis: Redis | null;
  config: AppConfig;
  log: Logger;
  /** Told of every committed content change, to purge the caches. */
  changes: ContentChanges;
}): Services {
  const { dataSource, sql, redis, config, log, changes } = infrastructure;
  const taxonomy = new TaxonomyService(dataSource, sql);
  const comments = new CommentService(dataSource, sql);
  const rateLimits = new RateLimits(sql, redis);
  const audit = new AuditService(dataSource);
  const viewerTokens = new ViewerTokens(config.secret, config.comments.viewerTokenDays);
  return {
    auth: new AuthService(dataSource, audit),
    audit,
    articleEditing: new ArticleEditingService(dataSource, audit, changes),
    newsroomEditing: new NewsroomEditingService(dataSource, audit, changes),
    commentModeration: new CommentModerationService(dataSource, audit, changes),
    articles: new ArticleService(dataSource, sql, taxonomy, comments),
    authors: new AuthorService(dataSource),
    taxonomy,
    comments,
    commentPosting: new CommentPostingService(dataSource, rateLimits, viewerTokens, config.comments, changes),
    viewerTokens,
    newsletter: new NewsletterService(dataSource, rateLimits, { ...config.newsletter, secret: config.secret }),
    rateLimits,
    articleLinks: new ArticleLinks(config.publicSite.baseUrl, config.publicSite.articlePathTemplate),
    views: new ViewService(sql, log, config.secret, config.views, rateLimits),
    popularity: new PopularityService(dataSource, sql, config.views.popularitySource, config.views.trendingGravity),
    analytics: new AnalyticsService(sql),
  };
}

/** DataLoaders live for one request only, so no reader ever sees another request's cache. */
export interface Loaders {
  readonly articles: ArticleLoaders;
  readonly authors: AuthorLoaders;
  readonly taxonomy: TaxonomyLoaders;
  readonly comments: CommentLoaders;
  readonly views: ViewLoaders;
}

export interface RequestContext {
  readonly services: Services;
  /** This request's loaders; replaced with empty ones before each root mutation field (see schema.ts). */
  loaders: Loaders;
  refreshLoaders(): void;
  /** Who is calling (a hash of their address, their user agent), for rate limits and moderation. */
  readonly client: ClientInfo;
  /** The staff member behind the request's API token, if any (see auth/auth-checker.ts). */
  readonly viewer: Viewer;
  /** What the response cache needs to know of this request (src/cache/cache-plugin.ts). */
  readonly cache: RequestCacheState;
  /** The viewer key inside a reader's viewer token (null for none), checked once per request and token. */
  viewerKeyOf(viewerToken: string | null | undefined): Promise<string | null>;
}

function createLoaders(services: Services, viewer: Viewer, members: ResponseMembers): Loaders {
  const authors = new AuthorLoaders(services.authors);
  const taxonomy = new TaxonomyLoaders(services.taxonomy);
  const comments = new CommentLoaders(services.comments);
  const articles = new ArticleLoaders(services.articles, unpublishedAccessOf(viewer), authors, taxonomy, comments, members);
  return { authors, taxonomy, comments, articles, views: new ViewLoaders(services.analytics) };
}

export function createRequestContext(services: Services, client: ClientInfo, viewer: Viewer = ANONYMOUS): RequestContext {
  const viewerKeys = new Map<string, Promise<string>>();
  const cache = new RequestCacheState();
  return {
    services,
    loaders: createLoaders(services, viewer, cache.members),
    // A method on `this`, not a closure: Apollo copies the context object for each operation it runs.
    refreshLoaders(this: RequestContext) {
      this.loaders = createLoaders(services, viewer, cache.members);
    },
    cache,
    client,
    viewer,
    viewerKeyOf(viewerToken) {
      if (!viewerToken) return Promise.resolve(null);
      let key = viewerKeys.get(viewerToken);
      if (!key) viewerKeys.set(viewerToken, (key = services.viewerTokens.verify(viewerToken)));
      return key;
    },
  };
}
