import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf, ConnectionBase, type Edge } from '../shared/pagination';
import { Article } from './article.entity';

export enum BodyFormat {
  HTML = 'HTML',
  TEXT = 'TEXT',
}
registerEnumType(BodyFormat, { name: 'BodyFormat', description: 'How to render an article body.' });

export enum ArticleOrder {
  PUBLISHED_AT_DESC = 'PUBLISHED_AT_DESC',
  PUBLISHED_AT_ASC = 'PUBLISHED_AT_ASC',
}
registerEnumType(ArticleOrder, { name: 'ArticleOrder', description: 'Sort order of article lists; ties on the date are broken by id.' });

export enum RelatedReason {
  SHARED_TAGS = 'SHARED_TAGS',
  SAME_SECTION = 'SAME_SECTION',
  SAME_AUTHOR = 'SAME_AUTHOR',
}
registerEnumType(RelatedReason, { name: 'RelatedReason', description: 'Why an article is offered as "More like this".' });

@ObjectType({ description: 'The lead image of an article.', simpleResolvers: true })
export class FeaturedImage {
  @Field(() => String)
  url: string;

  @Field(() => String, { nullable: true, description: 'Alternative text for screen readers.' })
  alt: string | null;

  @Field(() => String, { nullable: true })
  caption: string | null;
}

@ObjectType({ description: 'Ready-made share URLs for the article page.', simpleResolvers: true })
export class ShareLinks {
  @Field(() => String, { description: 'X (formerly Twitter) post intent.' })
  x: string;

  @Field(() => String)
  facebook: string;

  @Field(() => String)
  linkedIn: string;

  @Field(() => String, { description: 'A mailto: link with the headline as subject.' })
  email: string;
}

@ObjectType({ description: 'A "More like this" suggestion and why it was chosen.', simpleResolvers: true })
export class RelatedArticle {
  @Field(() => Article)
  article: Article;

  @Field(() => Int, { description: 'Three points per shared tag, two for the same section, one for the same author.' })
  score: number;

  @Field(() => Int)
  sharedTagCount: number;

  @Field(() => [RelatedReason])
  reasons: RelatedReason[];
}

export const ArticleConnection = connectionOf('Article', Article);
export type ArticleConnection = InstanceType<typeof ArticleConnection>;

@ObjectType('ArticleSearchEdge', { description: 'A search hit.', simpleResolvers: true })
export class ArticleSearchEdge implements Edge<Article> {
  @Field(() => String)
  cursor: string;

  @Field(() => Article)
  node: Article;

  @Field(() => Float, { description: 'Relevance; higher is better.' })
  rank: number;

  @Field(() => String, {
    description: 'An HTML fragment of the text around the matches, each match wrapped in <mark>; all other text is escaped.',
  })
  highlight: string;
}

@ObjectType('ArticleSearchConnection', { description: 'A page of search hits, best first.' })
export class ArticleSearchConnection extends ConnectionBase<Article> {
  @Field(() => [ArticleSearchEdge])
  override edges: ArticleSearchEdge[];
}
