import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsBoolean, IsOptional, MaxLength, Min } from 'class-validator';
import { IsOptionalHttpUrl, NoControlCharacters, TrimmedLength } from '../shared/validation';

const TITLE = { tooShort: 'Give the article a headline', tooLong: 'A headline is at most 300 characters' };
const BODY = { tooShort: 'The body is empty', tooLong: 'The body is at most 500,000 characters' };
const AUTHOR_NAME = { tooShort: 'Give the author a name', tooLong: 'A name is at most 200 characters' };

/** Control characters (NUL above all, which PostgreSQL cannot store) are refused in every text field. */
const oneLine = (what: string) => NoControlCharacters({ multiline: false, message: `${what} contains characters that are not allowed` });
const multiline = (what: string) => NoControlCharacters({ multiline: true, message: `${what} contains characters that are not allowed` });

/** The fields a new article and an edit share (their decorators and limits in one place). */
@InputType()
abstract class ArticleFieldsInput {
  @Field(() => String, { nullable: true, description: 'The standfirst.' })
  @IsOptional()
  @MaxLength(1000)
  @multiline('The standfirst')
  excerpt?: string | null;

  @Field(() => ID, { nullable: true, description: "The byline; required when an editor creates an article, an AUTHOR's own by default." })
  @IsOptional()
  @MaxLength(100)
  authorId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  sectionId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'The tags; on an update, they replace the current ones.' })
  @IsOptional()
  @ArrayMaxSize(50)
  tagIds?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptionalHttpUrl(1000, { invalid: 'The image must be an http(s) address', tooLong: 'The image address is at most 1000 characters' })
  featuredImageUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  @oneLine('The image description')
  featuredImageAlt?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  @multiline('The caption')
  featuredImageCaption?: string | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  commentsOpen?: boolean | null;
}

@InputType({ description: 'A new article; it starts as a DRAFT.' })
export class CreateArticleInput extends ArticleFieldsInput {
  @Field(() => String)
  @TrimmedLength(1, 300, TITLE)
  @oneLine('The headline')
  title: string;

  @Field(() => String, { nullable: true, description: 'Made from the title when left out (transliterated, made unique).' })
  @IsOptional()
  @MaxLength(120)
  slug?: string | null;

  @Field(() => String, { description: 'HTML; sanitised on save (no scripts, no event handlers, no styles).' })
  @TrimmedLength(1, 500_000, BODY)
  @multiline('The body')
  body: string;
}

@InputType({ description: 'Changes to an article: only the fields given change. Send the version you edited.' })
export class UpdateArticleInput extends ArticleFieldsInput {
  @Field(() => ID)
  @MaxLength(100)
  id: string;

  @Field(() => Int, { description: 'The article version your edit started from; if someone saved since, the update is refused (CONFLICT).' })
  @Min(1)
  version: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @TrimmedLength(1, 300, TITLE)
  @oneLine('The headline')
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'Only before the article is first published.' })
  @IsOptional()
  @MaxLength(120)
  slug?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @TrimmedLength(1, 500_000, BODY)
  @multiline('The body')
  body?: string | null;
}

/** What a byline has besides its name. */
@InputType()
abstract class AuthorFieldsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  slug?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  @multiline('The bio')
  bio?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptionalHttpUrl(500, { invalid: 'The avatar must be an http(s) address', tooLong: 'The avatar address is at most 500 characters' })
  avatarUrl?: string | null;
}

@InputType()
export class AuthorInput extends AuthorFieldsInput {
  @Field(() => String)
  @TrimmedLength(1, 200, AUTHOR_NAME)
  @oneLine('The name')
  name: string;
}

@InputType()
export class UpdateAuthorInput extends AuthorFieldsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @TrimmedLength(1, 200, AUTHOR_NAME)
  @oneLine('The name')
  name?: string | null;
}

@InputType({ description: 'A section or tag.' })
export class TermInput {
  @Field(() => String)
  @TrimmedLength(1, 200, { tooShort: 'Give it a name', tooLong: 'A name is at most 200 characters' })
  @oneLine('The name')
  name: string;

  @Field(() => String, { nullable: true, description: 'Made from the name when left out.' })
  @IsOptional()
  @MaxLength(120)
  slug?: string | null;
}

@ArgsType()
export class RenameArgs {
  @Field(() => ID)
  @MaxLength(100)
  id: string;

  @Field(() => String)
  @TrimmedLength(1, 200, { tooShort: 'Give it a name', tooLong: 'A name is at most 200 characters' })
  @oneLine('The name')
  name: string;
}
