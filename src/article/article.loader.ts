import type DataLoader from 'dataloader';
import type { AuthorLoaders } from '../author/author.loader';
import type { ResponseMembers } from '../cache/cache-tags';
import { loaderFamily, mapLoader } from '../shared/loaders';
import type { Page } from '../shared/pagination';
import type { TaxonomyLoaders } from '../taxonomy/taxonomy.loader';
import type { UnpublishedAccess } from './article.access';
import type { Article } from './article.entity';
import type { CommentLoaders } from '../comment/comment.loader';
import type { ArticleExtras, ArticleGroup, ArticleRead, ArticleService, PublishedPosition, RelatedArticleMatch } from './article.service';

/** Per-request loaders for articles. */
export class ArticleLoaders {
  readonly byId: DataLoader<string, Article | null>;
  /**
   * An article as this request's viewer may read it: public, or unpublished where article.access.ts allows (for
   * fields that can lead to unpublished articles, such as the article behind an analytics row). Null otherwise.
   */
  readonly readableById: DataLoader<string, Article | null>;
  /** Bodies of articles that were read as teasers (lists leave the body out). */
  readonly body: DataLoader<string, string>;
  /** "More like this" for articles; one loader per page size. */
  readonly related: (first: number) => DataLoader<string, RelatedArticleMatch[]>;
  /** An author's, section's or tag's articles; one loader per (group, first, after, extras). */
  readonly groupPage: (group: ArticleGroup, first: number, after: PublishedPosition | null, extras: ArticleExtras) => DataLoader<string, Page<Article>>;
  readonly groupCount: (group: ArticleGroup) => DataLoader<string, number>;

  constructor(
    articles: ArticleService,
    access: UnpublishedAccess,
    private readonly authors: AuthorLoaders,
    private readonly taxonomy: TaxonomyLoaders,
    private readonly comments: CommentLoaders,
    private readonly members: ResponseMembers,
  ) {
    this.byId = mapLoader(async (ids) => new Map((await articles.findPublicByIds(ids)).map((article) => [article.id, this.remember(article)])), null);
    this.readableById = mapLoader(async (ids) => new Map((await articles.findReadableByIds(ids, access)).map((article) => [article.id, article])), null);
    this.body = mapLoader((ids) => articles.bodiesOf(ids), '');
    this.related = loaderFamily((first: number) =>
      mapLoader(async (ids) => {
        const related = await articles.relatedTo(ids, first);
        for (const matches of related.values()) matches.forEach((match) => this.remember(match.article));
        return related;
      }, []),
    );
    this.groupPage = loaderFamily((group: ArticleGroup, first: number, after: PublishedPosition | null, extras: ArticleExtras) =>
      mapLoader(async (groupIds) => {
        const pages = new Map<string, Page<Article>>();
        for (const [groupId, page] of await articles.pagesByGroup(group, groupIds, first, after, extras)) {
          pages.set(groupId, { items: this.rememberReads(page.items, extras), hasNextPage: page.hasNextPage });
        }
        return pages;
      }, { items: [], hasNextPage: false }),
    );
    this.groupCount = loaderFamily((group: ArticleGroup) => mapLoader((groupIds) => articles.countsByGroup(group, groupIds), 0));
  }

  /**
   * Article reads join the author and section; priming their loaders with them is what keeps a front page at a
   * fixed number of statements.
   */
  remember(article: Article): Article {
    // Every article a resolver is handed passes here: the response cache tags the response with it.
    this.members.article(article.id);
    if (article.body !== undefined) this.byId.prime(article.id, article);
    if (article.author) this.authors.byId.prime(article.author.id, article.author);
    if (article.section) this.taxonomy.sectionById.prime(article.section.id, article.section);
    return article;
  }

  /** As remember(), also keeping the extras read along with each article; returns the articles. */
  rememberReads(reads: readonly ArticleRead[], extras: ArticleExtras): Article[] {
    return reads.map((read) => {
      const { id } = this.remember(read.article);
      if (read.tags) this.taxonomy.tagsByArticle.prime(id, read.tags);
      if (read.commentCounts) this.comments.countsByArticle.prime(id, read.commentCounts);
      if (read.thread && extras.threadFirst !== null) this.comments.rememberThread(id, extras.threadFirst, read.thread);
      return read.article;
    });
  }
}
