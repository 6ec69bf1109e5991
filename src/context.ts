import { ArticleLinks } from './article/article.links';
import { ArticleLoaders } from './article/article.loader';
import { ArticleService } from './article/article.service';
import { AuthorLoaders } from './author/author.loader';
import { AuthorService } from './author/author.service';
import { CommentLoaders } from './comment/comment.loader';
import { CommentService } from './comment/comment.service';
import { TaxonomyLoaders } from './taxonomy/taxonomy.loader';
import { TaxonomyService } from './taxonomy/taxonomy.service';
import type { AppConfig } from './config';
import type { DataSource } from 'typeorm';
import type { Sql } from './db/sql';

/** Long-lived, stateless collaborators, created once by the composition root. */
export interface Services {
  readonly articles: ArticleService;
  readonly authors: AuthorService;
  readonly taxonomy: TaxonomyService;
  readonly comments: CommentService;
  readonly articleLinks: ArticleLinks;
}

export function createServices(dataSource: DataSource, sql: Sql, config: AppConfig): Services {
  const taxonomy = new TaxonomyService(dataSource, sql);
  const comments = new CommentService(dataSource, sql);
  return {
    articles: new ArticleService(dataSource, sql, taxonomy, comments),
    authors: new AuthorService(dataSource),
    taxonomy,
    comments,
    articleLinks: new ArticleLinks(config.publicSite.baseUrl, config.publicSite.articlePathTemplate),
  };
}

/** DataLoaders live for one request only, so no reader ever sees another request's cache. */
export interface Loaders {
  readonly articles: ArticleLoaders;
  readonly authors: AuthorLoaders;
  readonly taxonomy: TaxonomyLoaders;
  readonly comments: CommentLoaders;
}

export interface RequestContext {
  readonly services: Services;
  readonly loaders: Loaders;
}

export function createRequestContext(services: Services): RequestContext {
  const authors = new AuthorLoaders(services.authors);
  const taxonomy = new TaxonomyLoaders(services.taxonomy);
  const comments = new CommentLoaders(services.comments);
  return {
    services,
    loaders: { authors, taxonomy, comments, articles: new ArticleLoaders(services.articles, authors, taxonomy, comments) },
  };
}
