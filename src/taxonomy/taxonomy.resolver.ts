import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import { groupArticlesConnection } from '../article/article.connections';
import { ArticleConnection } from '../article/article.types';
import type { RequestContext } from '../context';
import { connectionOf, nameCursor, PageArgs, paginatedComplexity } from '../shared/pagination';
import { Section } from './section.entity';
import { Tag } from './tag.entity';

export const TagConnection = connectionOf('Tag', Tag);
export type TagConnection = InstanceType<typeof TagConnection>;

const tagCursor = nameCursor<Tag>('tags');

@Resolver(() => Section)
export class SectionResolver {
  @Query(() => [Section], { description: 'Every section, by name.', complexity: ({ childComplexity }) => 1 + 50 * childComplexity })
  sections(@Ctx() { services }: RequestContext): Promise<Section[]> {
    return services.taxonomy.listSections();
  }

  @Query(() => Section, { nullable: true, description: 'A section by slug; null when there is none.' })
  section(@Arg('slug', () => String) slug: string, @Ctx() { services }: RequestContext): Promise<Section | null> {
    return services.taxonomy.findSectionBySlug(slug);
  }

  @FieldResolver(() => ArticleConnection, { description: "The section's public articles, newest first.", complexity: paginatedComplexity() })
  articles(@Root() section: Section, @Args() page: PageArgs, @Ctx() { loaders }: RequestContext, @Info() info: GraphQLResolveInfo): Promise<ArticleConnection> {
    return groupArticlesConnection(loaders, 'section', section.id, page, info);
  }
}

@Resolver(() => Tag)
export class TagResolver {
  @Query(() => TagConnection, { description: 'All tags, by name.', complexity: paginatedComplexity() })
  async tags(@Args() { first, after }: PageArgs, @Ctx() { services }: RequestContext): Promise<TagConnection> {
    const page = await services.taxonomy.listTags(first, tagCursor.decode(after));
    return TagConnection.build(page, tagCursor.encode, () => services.taxonomy.countTags(), after);
  }

  @Query(() => Tag, { nullable: true, description: 'A tag by slug; null when there is none.' })
  tag(@Arg('slug', () => String) slug: string, @Ctx() { services }: RequestContext): Promise<Tag | null> {
    return services.taxonomy.findTagBySlug(slug);
  }

  @FieldResolver(() => ArticleConnection, { description: 'Public articles with this tag, newest first.', complexity: paginatedComplexity() })
  articles(@Root() tag: Tag, @Args() page: PageArgs, @Ctx() { loaders }: RequestContext, @Info() info: GraphQLResolveInfo): Promise<ArticleConnection> {
    return groupArticlesConnection(loaders, 'tag', tag.id, page, info);
  }
}
