import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { requireRole } from '../auth/auth-checker';
import { Role } from '../auth/role';
import { Author } from '../author/author.entity';
import { CommentConnection, threadConnection } from '../comment/comment.connections';
import { ThreadArgs } from '../comment/comment.inputs';
import type { RequestContext } from '../context';
import { badInput } from '../shared/errors';
import { highlightMatches, htmlToPlainText, readingTimeMinutes } from '../shared/html';
import { parseId } from '../shared/ids';
import { DEFAULT_PAGE_SIZE, keysetCursor, paginatedComplexity } from '../shared/pagination';
import { Section } from '../taxonomy/section.entity';
import { Tag } from '../taxonomy/tag.entity';
import { articleListing } from './article.connections';
import { extrasForArticle, extrasForArticleConnection } from './article.lookahead';
import { Article } from './article.entity';
import { ArticleLookupArgs, ArticlesArgs, BodyArgs, RelatedArticlesArgs, SearchArticlesArgs } from './article.inputs';
import { MATCH_END, MATCH_START, type SearchHit, type SearchPosition } from './article.service';
import {
  ArticleConnection,
  ArticleSearchConnection,
  BodyFormat,
  FeaturedImage,
  RelatedArticle,
  RelatedReason,
  ShareLinks,
} from './article.types';

const searchCursor = keysetCursor<SearchHit, SearchPosition>(
  'search',
  ['real', 'uuid'],
  (hit) => [hit.rank, hit.article.id],
  ([rank, id]) => ({ rank: rank as number, id: id as string }),
);

/** Extra query cost of converting a body to text, and of ranking and highlighting a search hit. */
const TEXT_BODY_COST = 20;
const SEARCH_HIT_COST = 10;

@Resolver(() => Article)
export class ArticleResolver {
  @Query(() => Article, { nullable: true, description: 'One public article by slug or id (exactly one of them); null when missing or not public.' })
  async article(
    @Args() { slug, id, preview }: ArticleLookupArgs,
    @Ctx() { services, loaders, viewer }: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Article | null> {
    if ((slug == null) === (id == null)) throw badInput('Give exactly one of slug or id.');
    if (preview) {
      const staff = requireRole(viewer, [Role.EDITOR, Role.AUTHOR], 'article(preview: true)');
      const draft = await services.articleEditing.findForPreview(id != null ? { id } : { slug: slug as string }, staff);
      return draft && loaders.articles.remember(draft);
    }
    const extras = extrasForArticle(info);
    const read = await services.articles.findPublic(id != null ? { id: parseId(id) } : { slug: slug as string }, extras);
    return read && loaders.articles.rememberReads([read], extras)[0];
  }

  @Query(() => ArticleConnection, { description: 'Public articles, newest first unless orderBy says otherwise.', complexity: paginatedComplexity() })
  async articles(
    @Args() { first, after, filter, orderBy }: ArticlesArgs,
    @Ctx() { services, loaders }: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ArticleConnection> {
    const { criteria, order, cursor } = articleListing({ filter, orderBy });
    const extras = extrasForArticleConnection(info);
    const page = await services.articles.listPublic(criteria, order, first, cursor.decode(after), extras);
    const articles = loaders.articles.rememberReads(page.items, extras);
    return ArticleConnection.build({ items: articles, hasNextPage: page.hasNextPage }, cursor.encode, () => services.articles.countPublic(criteria), after);
  }

  @Query(() => ArticleSearchConnection, {
    description: 'Full-text search over public articles, best match first.',
    // Ranking every match and cutting a highlight from each hit's body is work the fields do not show.
    complexity: paginatedComplexity(DEFAULT_PAGE_SIZE, SEARCH_HIT_COST),
  })
  async searchArticles(@Args() { query, first, after }: SearchArticlesArgs, @Ctx() { services, loaders }: RequestContext): Promise<ArticleSearchConnection> {
    const page = await services.articles.search(query, first, searchCursor.decode(after));
    const edges = page.items.map((hit) => ({
      cursor: searchCursor.encode(hit),
      node: loaders.articles.remember(hit.article),
      rank: hit.rank,
      highlight: highlightMatches(hit.snippet, MATCH_START, MATCH_END),
    }));
    return ArticleSearchConnection.fromEdges(edges, page.hasNextPage, () => services.articles.countSearch(query), after);
  }

  @FieldResolver(() => String, {
    description: 'The body as sanitised HTML, or as plain text.',
    complexity: ({ args }) => (args.format === BodyFormat.TEXT ? TEXT_BODY_COST : 1),
  })
  async body(@Root() article: Article, @Args() { format }: BodyArgs, @Ctx() { loaders }: RequestContext): Promise<string> {
    const html = article.body ?? (await loaders.articles.body.load(article.id));
    return format === BodyFormat.TEXT ? htmlToPlainText(article, html) : html;
  }

  @FieldResolver(() => Int, { description: 'Estimated minutes to read, at 230 words a minute; at least 1.' })
  readingTimeMinutes(@Root() article: Article): number {
    return readingTimeMinutes(article.wordCount);
  }

  @FieldResolver(() => String, { description: "The article's page on the public site." })
  url(@Root() article: Article, @Ctx() { services }: RequestContext): string {
    return services.articleLinks.url(article);
  }

  @FieldResolver(() => ShareLinks)
  shareLinks(@Root() article: Article, @Ctx() { services }: RequestContext): ShareLinks {
    return services.articleLinks.shareLinks(article);
  }

  @FieldResolver(() => FeaturedImage, { nullable: true })
  featuredImage(@Root() article: Article): FeaturedImage | null {
    if (!article.featuredImageUrl) return null;
    return { url: article.featuredImageUrl, alt: article.featuredImageAlt, caption: article.featuredImageCaption };
  }

  @FieldResolver(() => Author)
  async author(@Root() article: Article, @Ctx() { loaders }: RequestContext): Promise<Author> {
    const author = await loaders.authors.byId.load(article.authorId);
    if (!author) throw new Error(`Article ${article.id} has no author ${article.authorId}`);
    return author;
  }

  @FieldResolver(() => Section, { nullable: true })
  section(@Root() article: Article, @Ctx() { loaders }: RequestContext): Promise<Section | null> | null {
    return article.sectionId ? loaders.taxonomy.sectionById.load(article.sectionId) : null;
  }

  @FieldResolver(() => [Tag], { complexity: ({ childComplexity }) => 1 + 10 * childComplexity })
  tags(@Root() article: Article, @Ctx() { loaders }: RequestContext): Promise<Tag[]> {
    return loaders.taxonomy.tagsByArticle.load(article.id);
  }

  @FieldResolver(() => Int, { description: 'Comments and replies readers can see: approved, under approved comments only.' })
  async commentCount(@Root() article: Article, @Ctx() { loaders }: RequestContext): Promise<number> {
    return (await loaders.comments.countsByArticle.load(article.id)).all;
  }

  @FieldResolver(() => CommentConnection, {
    description: 'Approved top-level comments, oldest first (with a viewer token, also your own pending ones; totalCount counts approved ones).',
    complexity: paginatedComplexity(),
  })
  async comments(@Root() article: Article, @Args() { viewerToken, ...page }: ThreadArgs, @Ctx() context: RequestContext): Promise<CommentConnection> {
    return threadConnection(context.loaders, article.id, page, await context.viewerKeyOf(viewerToken));
  }

  @FieldResolver(() => [RelatedArticle], {
    description: '"More like this": other public articles sharing tags, section or author, best first.',
    complexity: paginatedComplexity(5),
  })
  async relatedArticles(@Root() article: Article, @Args() { first }: RelatedArticlesArgs, @Ctx() { loaders }: RequestContext): Promise<RelatedArticle[]> {
    const matches = await loaders.articles.related(first).load(article.id);
    return matches.map((match) => ({ ...match, reasons: match.reasons.map((reason) => RelatedReason[reason]) }));
  }
}
