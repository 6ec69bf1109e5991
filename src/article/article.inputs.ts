import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { IsOptional, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageArgs } from '../shared/pagination';
import { MAX_SEARCH_QUERY_LENGTH } from './article.service';
import { ArticleOrder, BodyFormat } from './article.types';

@InputType({ description: 'Narrows an article list; every field given must match.' })
export class ArticleFilter {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  section?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  tag?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  author?: string | null;

  @Field(() => Date, { nullable: true, description: 'Published at or after this instant.' })
  publishedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Published before this instant.' })
  publishedBefore?: Date | null;
}

@ArgsType()
export class ArticlesArgs extends PageArgs {
  @Field(() => ArticleFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ArticleFilter | null;

  @Field(() => ArticleOrder, { defaultValue: ArticleOrder.PUBLISHED_AT_DESC })
  orderBy: ArticleOrder = ArticleOrder.PUBLISHED_AT_DESC;
}

@ArgsType()
export class ArticleLookupArgs {
  @Field(() => String, { nullable: true })
  @MaxLength(200)
  slug?: string | null;

  @Field(() => ID, { nullable: true })
  @MaxLength(100)
  id?: string | null;

  @Field(() => Boolean, { defaultValue: false, description: 'Staff only (EDITOR, AUTHOR for their own): also drafts, scheduled and archived articles.' })
  preview: boolean = false;
}

@ArgsType()
export class SearchArticlesArgs extends PageArgs {
  @Field(() => String, { description: `Web-search syntax: words, "a phrase", or, -exclude. At most ${MAX_SEARCH_QUERY_LENGTH} characters.` })
  @MaxLength(MAX_SEARCH_QUERY_LENGTH, { message: `query must be at most ${MAX_SEARCH_QUERY_LENGTH} characters` })
  query: string;
}

@ArgsType()
export class BodyArgs {
  @Field(() => BodyFormat, { defaultValue: BodyFormat.HTML })
  format: BodyFormat = BodyFormat.HTML;
}

export const MAX_RELATED = 20;

@ArgsType()
export class RelatedArticlesArgs {
  @Field(() => Int, { defaultValue: 5, description: `1 to ${MAX_RELATED}.` })
  @Min(1, { message: 'first must be at least 1' })
  @Max(MAX_RELATED, { message: `first must be at most ${MAX_RELATED}` })
  first: number = 5;
}
