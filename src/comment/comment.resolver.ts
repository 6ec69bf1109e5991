import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Article } from '../article/article.entity';
import type { RequestContext } from '../context';
import { PageArgs, paginatedComplexity } from '../shared/pagination';
import { CommentConnection, ownCommentsConnection, replyConnection } from './comment.connections';
import { Comment } from './comment.entity';
import { authorNameIn, COMMENT_AUTHOR_NAME_DESCRIPTION, COMMENT_BODY_DESCRIPTION, commentBodyIn, CommentFormat } from './comment-format';
import { AddCommentInput, EditMyCommentInput, ThreadArgs } from './comment.inputs';

@ObjectType({ description: 'A posted comment, and the token that lets its poster see it while it awaits moderation.' })
export class AddCommentPayload {
  @Field(() => Comment)
  comment: Comment;

  @Field(() => String, {
    description: 'Keep it: pass it to comments(viewerToken:) to see your pending comments, to editMyComment and deleteMyComment, and to your next addComment.',
  })
  viewerToken: string;
}

@ObjectType()
export class DeleteMyCommentPayload {
  @Field(() => ID)
  commentId: string;
}

@Resolver(() => Comment)
export class CommentResolver {
  @Mutation(() => AddCommentPayload, { description: 'Posts a comment or a reply ("Leave a reply").' })
  async addComment(@Arg('input', () => AddCommentInput) input: AddCommentInput, @Ctx() { services, client }: RequestContext): Promise<AddCommentPayload> {
    return services.commentPosting.post(input, client);
  }

  @Mutation(() => Comment, { description: 'Changes your own comment, within minutes of posting it. It is moderated again.' })
  editMyComment(@Arg('input', () => EditMyCommentInput) input: EditMyCommentInput, @Ctx() { services }: RequestContext): Promise<Comment> {
    return services.commentPosting.editOwn(input.commentId, input.body, input.viewerToken);
  }

  @Mutation(() => DeleteMyCommentPayload, { description: 'Deletes your own comment, within minutes of posting it.' })
  async deleteMyComment(
    @Arg('commentId', () => ID) commentId: string,
    @Arg('viewerToken', () => String) viewerToken: string,
    @Ctx() { services }: RequestContext,
  ): Promise<DeleteMyCommentPayload> {
    return { commentId: await services.commentPosting.deleteOwn(commentId, viewerToken) };
  }

  @Query(() => CommentConnection, { description: 'Your own comments, awaiting moderation or published, oldest first.', complexity: paginatedComplexity() })
  async myComments(@Arg('viewerToken', () => String) viewerToken: string, @Args() page: PageArgs, @Ctx() context: RequestContext): Promise<CommentConnection> {
    const viewerKey = await context.viewerKeyOf(viewerToken);
    return ownCommentsConnection(context.services.comments, viewerKey as string, page);
  }

  @FieldResolver(() => String, { description: COMMENT_BODY_DESCRIPTION })
  body(@Root() comment: Comment, @Arg('format', () => CommentFormat, { defaultValue: CommentFormat.TEXT }) format: CommentFormat): string {
    // Direct reads build TEXT in SQL (comment.direct.ts) and leave HTML to this resolver.
    return commentBodyIn(format, comment.body);
  }

  @FieldResolver(() => String, { description: COMMENT_AUTHOR_NAME_DESCRIPTION })
  authorName(@Root() comment: Comment, @Arg('format', () => CommentFormat, { defaultValue: CommentFormat.TEXT }) format: CommentFormat): string {
    return authorNameIn(format, comment.authorName);
  }

  @FieldResolver(() => Int, { description: 'Approved direct replies.' })
  replyCount(@Root() comment: Comment): number {
    // Kept by the database and read with every comment (migration CommentCounts).
    return comment.replyCount;
  }

  @FieldResolver(() => CommentConnection, { description: 'Approved direct replies (and your own pending ones, with a viewer token), oldest first.', complexity: paginatedComplexity() })
  async replies(@Root() comment: Comment, @Args() { viewerToken, ...page }: ThreadArgs, @Ctx() context: RequestContext): Promise<CommentConnection> {
    return replyConnection(context.loaders, comment, page, await context.viewerKeyOf(viewerToken));
  }

  @FieldResolver(() => Comment, { nullable: true, description: 'The comment this one replies to; null for a top-level comment.' })
  parent(@Root() comment: Comment, @Ctx() { loaders }: RequestContext): Promise<Comment | null> | null {
    return comment.parentId ? loaders.comments.byId.load(comment.parentId) : null;
  }

  @FieldResolver(() => Article, { nullable: true, description: 'The article under which the comment was left.' })
  article(@Root() comment: Comment, @Ctx() { loaders }: RequestContext): Promise<Article | null> {
    return loaders.articles.byId.load(comment.articleId);
  }
}
