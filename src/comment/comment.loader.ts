import type DataLoader from 'dataloader';
import { byIdLoader, loaderFamily, mapLoader } from '../shared/loaders';
import type { Page } from '../shared/pagination';
import type { Comment } from './comment.entity';
import type { ArticleCommentCounts, CommentService, ThreadPosition } from './comment.service';

const NO_COMMENTS: ArticleCommentCounts = { all: 0, topLevel: 0 };

/** Per-request loaders for the public comment thread. */
export class CommentLoaders {
  readonly byId: DataLoader<string, Comment | null>;
  readonly countsByArticle: DataLoader<string, ArticleCommentCounts>;
  readonly replyCount: DataLoader<string, number>;
  /** Top-level comments of articles; one loader per (first, after). */
  readonly threadPage: (first: number, after: ThreadPosition | null) => DataLoader<string, Page<Comment>>;
  /** Replies of comments; one loader per (first, after). */
  readonly replyPage: (first: number, after: ThreadPosition | null) => DataLoader<string, Page<Comment>>;

  constructor(comments: CommentService) {
    this.byId = byIdLoader((ids) => comments.findApprovedByIds(ids));
    this.countsByArticle = mapLoader((articleIds) => comments.countsByArticle(articleIds), NO_COMMENTS);
    this.replyCount = mapLoader((commentIds) => comments.replyCounts(commentIds), 0);
    this.threadPage = loaderFamily((first: number, after: ThreadPosition | null) =>
      mapLoader(async (articleIds) => this.remember(await comments.threadPages(articleIds, first, after)), { items: [], hasNextPage: false }),
    );
    this.replyPage = loaderFamily((first: number, after: ThreadPosition | null) =>
      mapLoader(async (parentIds) => this.remember(await comments.replyPages(parentIds, first, after)), { items: [], hasNextPage: false }),
    );
  }

  /** Pages come with each comment's reply count: keep those so `replyCount` costs no further statement. */
  private remember(pages: Map<string, Page<{ comment: Comment; replyCount: number }>>): Map<string, Page<Comment>> {
    const result = new Map<string, Page<Comment>>();
    for (const [ownerId, page] of pages) {
      for (const { comment, replyCount } of page.items) {
        this.byId.prime(comment.id, comment);
        this.replyCount.prime(comment.id, replyCount);
      }
      result.set(ownerId, { items: page.items.map(({ comment }) => comment), hasNextPage: page.hasNextPage });
    }
    return result;
  }
}
