import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { IsEmailAddress, NoControlCharacters, TrimmedLength } from '../shared/validation';

@InputType({ description: 'The "Subscribe" box.' })
export class SubscribeToNewsletterInput {
  @Field(() => String)
  @TrimmedLength(3, 254, { tooShort: 'Please enter your e-mail address', tooLong: 'Your e-mail address must be at most 254 characters' })
  @NoControlCharacters({ multiline: false, message: 'Your e-mail address contains characters that are not allowed' })
  @IsEmailAddress('Please enter one valid e-mail address')
  email: string;

  @Field(() => ID, { nullable: true, description: 'The article whose "Subscribe" box was used (for attribution).' })
  @IsOptional()
  @MaxLength(100)
  sourceArticleId?: string | null;

  @Field(() => String, { nullable: true, description: 'Leave empty. (A field hidden from people; bots fill it in.)' })
  @IsOptional()
  @MaxLength(1000)
  honeypot?: string | null;
}

export enum NewsletterSignupStatus {
  PENDING_CONFIRMATION = 'PENDING_CONFIRMATION',
}
registerEnumType(NewsletterSignupStatus, { name: 'NewsletterSignupStatus' });

@ObjectType({ description: 'The same answer for every address, so that nobody can learn who subscribes.' })
export class SubscribeToNewsletterPayload {
  @Field(() => NewsletterSignupStatus)
  status: NewsletterSignupStatus;

  @Field(() => String)
  message: string;
}
