import type { Loaders } from '../context';
import { connectionOf, createdCursor, type PageArgs } from '../shared/pagination';
import { Comment } from './comment.entity';
import type { CommentService } from './comment.service';

export const CommentConnection = connectionOf('Comment', Comment);
export type CommentConnection = InstanceType<typeof CommentConnection>;

const threadCursor = createdCursor<Comment>('comments');

/**
 * An article's approved top-level comments (and, for a viewer, their own pending ones), batched across every article
 * in the query.
 */
export async function threadConnection(loaders: Loaders, articleId: string, { first, after }: PageArgs, viewerKey: string | null): Promise<CommentConnection> {
  const page = await loaders.comments.threadPage(first, threadCursor.decode(after), viewerKey).load(articleId);
  return CommentConnection.build(page, threadCursor.encode, async () => (await loaders.comments.countsByArticle.load(articleId)).topLevel, after);
}

/** A comment's approved replies (and a viewer's own pending ones), batched across every comment in the query. */
export async function replyConnection(loaders: Loaders, comment: Comment, { first, after }: PageArgs, viewerKey: string | null): Promise<CommentConnection> {
  const page = await loaders.comments.replyPage(first, threadCursor.decode(after), viewerKey).load(comment.id);
  return CommentConnection.build(page, threadCursor.encode, async () => comment.replyCount, after);
}

/** A viewer's own comments, pending or approved, across articles. */
export async function ownCommentsConnection(comments: CommentService, viewerKey: string, { first, after }: PageArgs): Promise<CommentConnection> {
  const page = await comments.ownPage(viewerKey, first, threadCursor.decode(after));
  return CommentConnection.build(page, threadCursor.encode, () => comments.countOwn(viewerKey), after);
}
