import type { Loaders } from '../context';
import { connectionOf, keysetCursor, type PageArgs } from '../shared/pagination';
import { Comment } from './comment.entity';
import type { ThreadPosition } from './comment.service';

export const CommentConnection = connectionOf('Comment', Comment);
export type CommentConnection = InstanceType<typeof CommentConnection>;

const threadCursor = keysetCursor<Comment, ThreadPosition>(
  'comments',
  ['date', 'uuid'],
  (comment) => [comment.createdAt.toISOString(), comment.id],
  ([createdAt, id]) => ({ createdAt: new Date(createdAt as string), id: id as string }),
);

/** An article's approved top-level comments, batched across every article in the query. */
export async function threadConnection(loaders: Loaders, articleId: string, { first, after }: PageArgs): Promise<CommentConnection> {
  const page = await loaders.comments.threadPage(first, threadCursor.decode(after)).load(articleId);
  return CommentConnection.build(page, threadCursor.encode, async () => (await loaders.comments.countsByArticle.load(articleId)).topLevel, after);
}

/** A comment's approved replies, batched across every comment in the query. */
export async function replyConnection(loaders: Loaders, commentId: string, { first, after }: PageArgs): Promise<CommentConnection> {
  const page = await loaders.comments.replyPage(first, threadCursor.decode(after)).load(commentId);
  return CommentConnection.build(page, threadCursor.encode, () => loaders.comments.replyCount.load(commentId), after);
}
