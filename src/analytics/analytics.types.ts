import { IsOptional, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf, PageArgs } from '../shared/pagination';
import { IsOptionalHttpUrl, NoControlCharacters } from '../shared/validation';
import { PopularityWindow, SeriesBucket } from './windows';

export enum ViewOutcomeType {
  COUNTED = 'COUNTED',
  REPEAT = 'REPEAT',
  BOT = 'BOT',
  NOT_FOUND = 'NOT_FOUND',
}

registerEnumType(ViewOutcomeType, {
  name: 'ViewOutcome',
  description: 'What became of a reported view.',
  valuesConfig: {
    COUNTED: { description: 'Counted.' },
    REPEAT: {
      description:
        'Not counted again: the same visitor saw the article within the dedupe window (VIEW_DEDUPE_MINUTES), or its client address already counted VIEWS_PER_CLIENT_ARTICLE views of it in that window.',
    },
    BOT: { description: 'A crawler or tool (by its user agent): not counted.' },
    NOT_FOUND: { description: 'No published article has this id (batch form only; the single form answers NOT_FOUND).' },
  },
});

@InputType({ description: 'A reader saw an article.' })
export class ArticleViewInput {
  @Field(() => ID)
  @MaxLength(100)
  articleId: string;

  @Field(() => String, {
    nullable: true,
    description: 'A random id the app keeps per installation or browser. Without it, the visitor is the address and user agent, for that day.',
  })
  @IsOptional()
  @MaxLength(200, { message: 'visitorId is at most 200 characters' })
  @NoControlCharacters({ multiline: false, message: 'visitorId contains characters that are not allowed' })
  visitorId?: string | null;

  @Field(() => String, { nullable: true, description: 'The page the reader came from (document.referrer); only its site is kept.' })
  @IsOptionalHttpUrl(2000, { invalid: 'referrer must be an http(s) address', tooLong: 'referrer is at most 2000 characters' })
  referrer?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the view happened, for views queued offline (at most 24 hours ago); default now.' })
  viewedAt?: Date | null;
}

@ObjectType({ description: 'The outcome of one reported view.' })
export class RecordedView {
  @Field(() => ViewOutcomeType)
  outcome: ViewOutcomeType;

  @Field(() => Boolean)
  counted: boolean;
}

@ObjectType({ description: 'The outcome of a batch of views.' })
export class RecordedViews {
  @Field(() => Int)
  received: number;

  @Field(() => Int)
  counted: number;

  @Field(() => [ViewOutcomeType], { description: 'One per view, in the order sent.' })
  outcomes: ViewOutcomeType[];
}

@ArgsType()
export class PopularArgs {
  @Field(() => PopularityWindow, { defaultValue: PopularityWindow.LAST_7_DAYS })
  window: PopularityWindow = PopularityWindow.LAST_7_DAYS;

  @Field(() => String, { nullable: true, description: 'Only this section (its slug).' })
  @IsOptional()
  @MaxLength(200)
  section?: string | null;

  @Field(() => Int, { defaultValue: 10, description: 'How many, 1 to 50.' })
  @Min(1, { message: 'first must be at least 1' })
  @Max(50, { message: 'first must be at most 50' })
  first: number = 10;
}

@ArgsType()
export class TrendingArgs {
  @Field(() => Int, { defaultValue: 10, description: 'How many, 1 to 50.' })
  @Min(1, { message: 'first must be at least 1' })
  @Max(50, { message: 'first must be at most 50' })
  first: number = 10;
}

@ObjectType({ description: 'A place in the "Popular" list.' })
export class PopularArticle {
  @Field(() => Int)
  rank: number;

  @Field(() => Int, { description: 'Counted views in the window.' })
  views: number;

  articleId: string;
}

@ObjectType({ description: 'Why an article trends: the numbers behind its score.' })
export class Popularity {
  @Field(() => Int, { description: 'Views in the last 24 hours.' })
  views24h: number;

  @Field(() => Int, { description: 'Views in the last 7 days.' })
  views7d: number;

  @Field(() => Int, { description: 'Approved comments and replies in the last 7 days.' })
  comments: number;

  @Field(() => Float, {
    description: 'Sum over the last 7 days of each hour\'s views plus 10 per comment, divided by (age in hours + 2) ^ TRENDING_GRAVITY.',
  })
  score: number;
}

@ObjectType({ description: 'A place in the "Trending" list.' })
export class TrendingArticle {
  @Field(() => Int)
  rank: number;

  @Field(() => Popularity)
  popularity: Popularity;

  articleId: string;
}

// ---------------------------------------------------------------------------------------------------------------
// For analytics tools (ANALYST, EDITOR, ADMIN)
// ---------------------------------------------------------------------------------------------------------------

@ObjectType({ description: 'Comments on an article by their status now.' })
export class CommentTally {
  @Field(() => Int)
  approved: number;

  @Field(() => Int)
  pending: number;

  @Field(() => Int)
  spam: number;

  @Field(() => Int)
  trash: number;

  @Field(() => Int)
  total: number;
}

@ObjectType({ description: "An article's all-time numbers." })
export class ArticleStats {
  @Field(() => ID)
  articleId: string;

  @Field(() => Int)
  views: number;

  @Field(() => Int, { description: 'Distinct visitors; one not seen on the article for VIEW_RETENTION_DAYS counts again.' })
  uniqueVisitors: number;

  @Field(() => CommentTally)
  comments: CommentTally;

  @Field(() => Int, { description: 'Newsletter sign-ups made through this article\'s "Subscribe" box.' })
  newsletterSignups: number;

  @Field(() => Int, { description: 'Of those, the ones confirmed.' })
  confirmedNewsletterSignups: number;
}

@InputType({ description: 'Which views a series counts; the conditions given must all hold. None: every article.' })
export class ViewSeriesFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  articleId?: string | null;

  @Field(() => String, { nullable: true, description: 'A section slug.' })
  @IsOptional()
  @MaxLength(200)
  section?: string | null;

  @Field(() => String, { nullable: true, description: 'An author slug.' })
  @IsOptional()
  @MaxLength(200)
  author?: string | null;
}

@ArgsType()
export class SeriesRangeArgs {
  @Field(() => Date, { description: 'Rounded down to the start of its bucket.' })
  from: Date;

  @Field(() => Date, { description: 'Exclusive. At most 366 days after from, and at most 2,000 buckets.' })
  to: Date;

  @Field(() => SeriesBucket, { defaultValue: SeriesBucket.DAY })
  bucket: SeriesBucket = SeriesBucket.DAY;
}

@ArgsType()
export class ViewSeriesArgs extends SeriesRangeArgs {
  @Field(() => ViewSeriesFilter, { nullable: true })
  filter?: ViewSeriesFilter | null;
}

@ObjectType({ description: 'Views in one bucket.' })
export class ViewSeriesPoint {
  @Field(() => Date)
  start: Date;

  @Field(() => Int)
  views: number;
}

@ObjectType({ description: 'Views over time, one point per bucket, empty buckets included.' })
export class ViewSeries {
  @Field(() => SeriesBucket)
  bucket: SeriesBucket;

  @Field(() => Int)
  totalViews: number;

  @Field(() => [ViewSeriesPoint])
  points: ViewSeriesPoint[];
}

@ObjectType({ description: 'Comments posted in one bucket, by their status now.' })
export class CommentActivityPoint {
  @Field(() => Date)
  start: Date;

  @Field(() => Int)
  posted: number;

  @Field(() => Int)
  approved: number;

  @Field(() => Int)
  pending: number;

  @Field(() => Int)
  spam: number;

  @Field(() => Int)
  trash: number;
}

@ObjectType({ description: 'Comments posted over time, one point per bucket, empty buckets included.' })
export class CommentActivity {
  @Field(() => SeriesBucket)
  bucket: SeriesBucket;

  @Field(() => Int)
  totalPosted: number;

  @Field(() => [CommentActivityPoint])
  points: CommentActivityPoint[];
}

@ArgsType()
export class WindowPageArgs extends PageArgs {
  @Field(() => PopularityWindow, { defaultValue: PopularityWindow.LAST_7_DAYS })
  window: PopularityWindow = PopularityWindow.LAST_7_DAYS;
}

@ArgsType()
export class ArticleViewsArgs extends WindowPageArgs {
  @Field(() => String, { nullable: true, description: 'Only this section (its slug).' })
  @IsOptional()
  @MaxLength(200)
  section?: string | null;
}

@ObjectType({ description: "An article's views in a window, and its place among all articles (published or not any more)." })
export class ArticleViews {
  @Field(() => Int)
  rank: number;

  @Field(() => ID)
  articleId: string;

  @Field(() => Int)
  views: number;
}

@ObjectType({ description: "A section's views in a window." })
export class SectionViews {
  @Field(() => Int)
  rank: number;

  @Field(() => Int)
  views: number;

  sectionId: string;
}

@ObjectType({ description: "An author's views in a window." })
export class AuthorViews {
  @Field(() => Int)
  rank: number;

  @Field(() => Int)
  views: number;

  authorId: string;
}

@ObjectType({ description: 'Newsletter sign-ups made in a window through one article\'s "Subscribe" box.' })
export class ArticleSignups {
  @Field(() => Int)
  rank: number;

  @Field(() => ID)
  articleId: string;

  @Field(() => Int)
  signups: number;

  @Field(() => Int, { description: 'Of those, the ones confirmed since.' })
  confirmed: number;
}

export const ArticleViewsConnection = connectionOf('ArticleViews', ArticleViews);
export type ArticleViewsConnection = InstanceType<typeof ArticleViewsConnection>;
export const SectionViewsConnection = connectionOf('SectionViews', SectionViews);
export type SectionViewsConnection = InstanceType<typeof SectionViewsConnection>;
export const AuthorViewsConnection = connectionOf('AuthorViews', AuthorViews);
export type AuthorViewsConnection = InstanceType<typeof AuthorViewsConnection>;
export const ArticleSignupsConnection = connectionOf('ArticleSignups', ArticleSignups);
export type ArticleSignupsConnection = InstanceType<typeof ArticleSignupsConnection>;
