import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { PageArgs } from '../shared/pagination';
import { IsEmailAddress, IsOptionalHttpUrl, NoControlCharacters, TrimmedLength } from '../shared/validation';

export const COMMENT_LIMITS = { name: 245, email: 100, body: 10_000, url: 200 } as const;

@InputType({ description: 'The "Leave a reply" form.' })
export class AddCommentInput {
  @Field(() => ID)
  @MaxLength(100)
  articleId: string;

  @Field(() => ID, { nullable: true, description: 'The comment this one replies to.' })
  @IsOptional()
  @MaxLength(100)
  parentId?: string | null;

  @Field(() => String)
  @TrimmedLength(1, COMMENT_LIMITS.name, { tooShort: 'Please enter your name', tooLong: `Your name must be at most ${COMMENT_LIMITS.name} characters` })
  @NoControlCharacters({ multiline: false, message: 'Your name contains characters that are not allowed' })
  authorName: string;

  @Field(() => String, { description: 'Never shown to anyone but moderators.' })
  @TrimmedLength(1, COMMENT_LIMITS.email, { tooShort: 'Please enter your e-mail address', tooLong: `Your e-mail address must be at most ${COMMENT_LIMITS.email} characters` })
  @NoControlCharacters({ multiline: false, message: 'Your e-mail address contains characters that are not allowed' })
  @IsEmailAddress('Please enter a valid e-mail address')
  authorEmail: string;

  @Field(() => String)
  @TrimmedLength(1, COMMENT_LIMITS.body, { tooShort: 'Please enter your comment', tooLong: `Your comment must be at most ${COMMENT_LIMITS.body} characters` })
  @NoControlCharacters({ multiline: true, message: 'Your comment contains characters that are not allowed' })
  body: string;

  @Field(() => String, { nullable: true, description: 'Your website (http or https); empty for none.' })
  @IsOptionalHttpUrl(COMMENT_LIMITS.url, {
    invalid: 'Your website must be an http:// or https:// address',
    tooLong: `Your website address must be at most ${COMMENT_LIMITS.url} characters`,
  })
  authorUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Any unique string (a UUID is best). Sending the same request again with the same key returns the first answer and posts nothing more.',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{1,200}$/, { message: 'idempotencyKey must be 1 to 200 letters, digits or . _ : -' })
  idempotencyKey?: string | null;

  @Field(() => String, { nullable: true, description: 'A viewer token from an earlier comment, so all your comments share one.' })
  @IsOptional()
  @MaxLength(2000)
  viewerToken?: string | null;

  @Field(() => String, { nullable: true, description: 'Leave empty. (A field hidden from people; bots fill it in.)' })
  @IsOptional()
  @MaxLength(1000)
  honeypot?: string | null;
}

@InputType({ description: "Changes a reader's own comment, within the edit window." })
export class EditMyCommentInput {
  @Field(() => ID)
  @MaxLength(100)
  commentId: string;

  @Field(() => String)
  @TrimmedLength(1, COMMENT_LIMITS.body, { tooShort: 'Please enter your comment', tooLong: `Your comment must be at most ${COMMENT_LIMITS.body} characters` })
  @NoControlCharacters({ multiline: true, message: 'Your comment contains characters that are not allowed' })
  body: string;

  @Field(() => String)
  @MaxLength(2000)
  viewerToken: string;
}

@ArgsType()
export class ThreadArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'A viewer token from addComment: also shows your own comments awaiting moderation.' })
  @IsOptional()
  @MaxLength(2000)
  viewerToken?: string | null;
}
