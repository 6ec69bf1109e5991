import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import { groupArticlesConnection } from '../article/article.connections';
import { ArticleConnection } from '../article/article.types';
import type { RequestContext } from '../context';
import { connectionOf, nameCursor, PageArgs, paginatedComplexity } from '../shared/pagination';
import { Author } from './author.entity';

export const AuthorConnection = connectionOf('Author', Author);
export type AuthorConnection = InstanceType<typeof AuthorConnection>;

const authorCursor = nameCursor<Author>('authors');

@Resolver(() => Author)
export class AuthorResolver {
  @Query(() => Author, { nullable: true, description: 'An author by slug; null when there is none.' })
  async author(@Arg('slug', () => String) slug: string, @Ctx() { services, loaders }: RequestContext): Promise<Author | null> {
    const author = await services.authors.findBySlug(slug);
    if (author) loaders.authors.byId.prime(author.id, author);
    return author;
  }

  @Query(() => AuthorConnection, { description: 'All authors, by name.', complexity: paginatedComplexity() })
  async authors(@Args() { first, after }: PageArgs, @Ctx() { services }: RequestContext): Promise<AuthorConnection> {
    const page = await services.authors.list(first, authorCursor.decode(after));
    return AuthorConnection.build(page, authorCursor.encode, () => services.authors.count(), after);
  }

  @FieldResolver(() => ArticleConnection, { description: "The author's public articles, newest first.", complexity: paginatedComplexity() })
  articles(@Root() author: Author, @Args() page: PageArgs, @Ctx() { loaders }: RequestContext, @Info() info: GraphQLResolveInfo): Promise<ArticleConnection> {
    return groupArticlesConnection(loaders, 'author', author.id, page, info);
  }
}
