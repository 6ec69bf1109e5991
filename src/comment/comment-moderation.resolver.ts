import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsOptional, MaxLength } from 'class-validator';
import { staffOf } from '../auth/auth-checker';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { connectionOf, createdCursor, PageArgs, paginatedComplexity } from '../shared/pagination';
import { CommentStatus } from './comment.entity';
import { authorNameIn, COMMENT_AUTHOR_NAME_DESCRIPTION, COMMENT_BODY_DESCRIPTION, commentBodyIn, CommentFormat } from './comment-format';
import { MAX_MODERATED_AT_ONCE, ModerationAction, type CommentForModeration } from './comment-moderation.service';

registerEnumType(ModerationAction, { name: 'ModerationAction', description: 'APPROVE shows the comment at once; RESTORE puts a spam or trashed comment back in the queue.' });

@ObjectType({ description: 'A comment as moderators see it, with the commenter\'s e-mail address. Staff only.', simpleResolvers: true })
export class ModerationComment {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  articleId: string;

  @Field(() => String)
  articleTitle: string;

  @Field(() => ID, { nullable: true })
  parentId: string | null;

  /** The field is CommentModerationResolver.authorName. */
  authorName: string;

  @Field(() => String)
  authorEmail: string;

  @Field(() => String, { nullable: true })
  authorUrl: string | null;

  /** The field is CommentModerationResolver.body. */
  body: string;

  @Field(() => CommentStatus)
  status: CommentStatus;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  editedAt: Date | null;
}

function forModerators({ comment, articleTitle }: CommentForModeration): ModerationComment {
  const { id, articleId, parentId, authorName, authorEmail, authorUrl, body, status, createdAt, editedAt } = comment;
  return { id, articleId, articleTitle, parentId, authorName, authorEmail, authorUrl, body, status, createdAt, editedAt };
}

export const ModerationCommentConnection = connectionOf('ModerationComment', ModerationComment);
export type ModerationCommentConnection = InstanceType<typeof ModerationCommentConnection>;
const queueCursor = createdCursor<ModerationComment>('moderation');

@ArgsType()
export class ModerationQueueArgs extends PageArgs {
  @Field(() => CommentStatus, { defaultValue: CommentStatus.PENDING })
  status: CommentStatus = CommentStatus.PENDING;

  @Field(() => ID, { nullable: true, description: 'Only this article\'s comments.' })
  @IsOptional()
  @MaxLength(100)
  articleId?: string | null;
}

@ArgsType()
export class ModerateCommentsArgs {
  @Field(() => [ID])
  @ArrayMinSize(1, { message: 'Give at least one comment id' })
  @ArrayMaxSize(MAX_MODERATED_AT_ONCE, { message: `Moderate at most ${MAX_MODERATED_AT_ONCE} comments at a time` })
  ids: string[];

  @Field(() => ModerationAction)
  action: ModerationAction;
}

/** The moderation queue (EDITOR): read with e-mail addresses, decide one or many at once. */
@Resolver(() => ModerationComment)
export class CommentModerationResolver {
  // The queue is where text meant to attack a page arrives first: the same safe forms as the public Comment.
  @FieldResolver(() => String, { description: COMMENT_BODY_DESCRIPTION })
  body(@Root() comment: ModerationComment, @Arg('format', () => CommentFormat, { defaultValue: CommentFormat.TEXT }) format: CommentFormat): string {
    return commentBodyIn(format, comment.body);
  }

  @FieldResolver(() => String, { description: COMMENT_AUTHOR_NAME_DESCRIPTION })
  authorName(@Root() comment: ModerationComment, @Arg('format', () => CommentFormat, { defaultValue: CommentFormat.TEXT }) format: CommentFormat): string {
    return authorNameIn(format, comment.authorName);
  }

  @Authorized(Role.EDITOR)
  @Query(() => ModerationCommentConnection, { description: 'Comments by status (PENDING by default), oldest first (EDITOR).', complexity: paginatedComplexity() })
  async commentsForModeration(@Args() { status, articleId, first, after }: ModerationQueueArgs, @Ctx() { services }: RequestContext): Promise<ModerationCommentConnection> {
    const page = await services.commentModeration.queue(status, articleId ?? null, first, queueCursor.decode(after));
    const comments = page.items.map(forModerators);
    return ModerationCommentConnection.build(
      { items: comments, hasNextPage: page.hasNextPage },
      queueCursor.encode,
      () => services.commentModeration.count(status, articleId ?? null),
      after,
    );
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => ModerationComment, { description: 'Approves, spams, trashes or restores one comment (EDITOR).' })
  async moderateComment(@Arg('id', () => ID) id: string, @Arg('action', () => ModerationAction) action: ModerationAction, @Ctx() context: RequestContext): Promise<ModerationComment> {
    const [moderated] = await context.services.commentModeration.moderate([id], action, staffOf(context));
    return forModerators(moderated);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => [ModerationComment], { description: `The same for up to ${MAX_MODERATED_AT_ONCE} comments, all or none (EDITOR).` })
  async moderateComments(@Args() { ids, action }: ModerateCommentsArgs, @Ctx() context: RequestContext): Promise<ModerationComment[]> {
    return (await context.services.commentModeration.moderate(ids, action, staffOf(context))).map(forModerators);
  }
}
