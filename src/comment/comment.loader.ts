import type DataLoader from 'dataloader';
import { byIdLoader, loaderFamily, mapLoader } from '../shared/loaders';
import type { CreatedPosition, Page } from '../shared/pagination';
import type { Comment } from './comment.entity';
import type { ArticleCommentCounts, CommentService } from './comment.service';

const NO_COMMENTS: ArticleCommentCounts = { all: 0, topLevel: 0 };

/** Per-request loaders for the public comment thread. */
export class CommentLoaders {
  readonly byId: DataLoader<string, Comment | null>;
  readonly countsByArticle: DataLoader<string, ArticleCommentCounts>;
  /** Top-level comments of articles; one loader per (first, after, viewer). */
  readonly threadPage: (first: number, after: CreatedPosition | null, viewerKey: string | null) => DataLoader<string, Page<Comment>>;
  /** Replies of comments; one loader per (first, after, viewer). */
  readonly replyPage: (first: number, after: CreatedPosition | null, viewerKey: string | null) => DataLoader<string, Page<Comment>>;

  constructor(comments: CommentService) {
    this.byId = byIdLoader((ids) => comments.findApprovedByIds(ids));
    this.countsByArticle = mapLoader((articleIds) => comments.countsByArticle(articleIds), NO_COMMENTS);
    this.threadPage = loaderFamily((first: number, after: CreatedPosition | null, viewerKey: string | null) =>
      mapLoader(async (articleIds) => this.remember(await comments.threadPages(articleIds, first, after, viewerKey)), { items: [], hasNextPage: false }),
    );
    this.replyPage = loaderFamily((first: number, after: CreatedPosition | null, viewerKey: string | null) =>
      mapLoader(async (parentIds) => this.remember(await comments.replyPages(parentIds, first, after, viewerKey)), { items: [], hasNextPage: false }),
    );
  }

  /** Comments read in pages are kept for `parent` lookups (a reply's parent is often on the page above it). */
  private remember(pages: Map<string, Page<Comment>>): Map<string, Page<Comment>> {
    for (const page of pages.values()) this.rememberPage(page);
    return pages;
  }

  private rememberPage(page: Page<Comment>): Page<Comment> {
    for (const comment of page.items) this.byId.prime(comment.id, comment);
    return page;
  }

  /** Keeps a thread's first page that was read along with its article, as threadPage(first, null) would load it. */
  rememberThread(articleId: string, first: number, page: Page<Comment>): void {
    this.threadPage(first, null, null).prime(articleId, this.rememberPage(page));
  }
}
