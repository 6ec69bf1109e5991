import { Arg, Args, Authorized, Ctx, Field, ID, Mutation, ObjectType, Resolver } from 'type-graphql';
import { Article } from '../article/article.entity';
import { staffOf } from '../auth/auth-checker';
import { Role } from '../auth/role';
import { Author } from '../author/author.entity';
import type { RequestContext } from '../context';
import { Section } from '../taxonomy/section.entity';
import { Tag } from '../taxonomy/tag.entity';
import { AuthorInput, CreateArticleInput, RenameArgs, TermInput, UpdateArticleInput, UpdateAuthorInput } from './editor.inputs';

@ObjectType()
export class DeletePayload {
  @Field(() => ID)
  id: string;
}

const WRITERS = [Role.EDITOR, Role.AUTHOR];

/** Editorial mutations. Roles are declared here (@Authorized); what depends on the article is in the services. */
@Resolver()
export class EditorResolver {
  @Authorized(WRITERS)
  @Mutation(() => Article, { description: 'A new DRAFT (EDITOR, AUTHOR for their own byline).' })
  createArticle(@Arg('input', () => CreateArticleInput) input: CreateArticleInput, @Ctx() context: RequestContext): Promise<Article> {
    return context.services.articleEditing.create(input, staffOf(context));
  }

  @Authorized(WRITERS)
  @Mutation(() => Article, { description: 'Edits an article, if it is still at the version you edited (else CONFLICT). AUTHOR: own drafts.' })
  updateArticle(@Arg('input', () => UpdateArticleInput) { id, version, ...changes }: UpdateArticleInput, @Ctx() context: RequestContext): Promise<Article> {
    return context.services.articleEditing.update(id, version, changes, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Article, { description: 'Publishes now (EDITOR).' })
  publishArticle(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<Article> {
    return context.services.articleEditing.publish(id, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Article, { description: 'Makes the article public at publishAt, with no job to run (EDITOR).' })
  scheduleArticle(@Arg('id', () => ID) id: string, @Arg('publishAt', () => Date) publishAt: Date, @Ctx() context: RequestContext): Promise<Article> {
    return context.services.articleEditing.schedule(id, publishAt, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Article, { description: 'Back to DRAFT: hidden from readers (EDITOR).' })
  unpublishArticle(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<Article> {
    return context.services.articleEditing.unpublish(id, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Article, { description: 'ARCHIVED: hidden from readers, kept (EDITOR).' })
  archiveArticle(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<Article> {
    return context.services.articleEditing.archive(id, staffOf(context));
  }

  @Authorized(WRITERS)
  @Mutation(() => DeletePayload, { description: 'Deletes an article and its comments (EDITOR; AUTHOR: own drafts).' })
  async deleteArticle(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<DeletePayload> {
    return { id: await context.services.articleEditing.delete(id, staffOf(context)) };
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Author, { description: 'A new byline (EDITOR).' })
  createAuthor(@Arg('input', () => AuthorInput) input: AuthorInput, @Ctx() context: RequestContext): Promise<Author> {
    return context.services.newsroomEditing.createAuthor(input, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Author, { description: 'Changes a byline (EDITOR).' })
  updateAuthor(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateAuthorInput) input: UpdateAuthorInput, @Ctx() context: RequestContext): Promise<Author> {
    return context.services.newsroomEditing.updateAuthor(id, { ...input, name: input.name ?? undefined }, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Section, { description: 'A new section (EDITOR).' })
  async createSection(@Arg('input', () => TermInput) input: TermInput, @Ctx() context: RequestContext): Promise<Section> {
    return context.services.newsroomEditing.createTerm('section', input.name, input.slug, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Section, { description: 'Renames a section; its slug stays (EDITOR).' })
  async renameSection(@Args(() => RenameArgs) { id, name }: RenameArgs, @Ctx() context: RequestContext): Promise<Section> {
    return context.services.newsroomEditing.renameTerm('section', id, name, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => DeletePayload, { description: 'Deletes a section no article uses (else CONFLICT) (EDITOR).' })
  async deleteSection(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<DeletePayload> {
    return { id: await context.services.newsroomEditing.deleteTerm('section', id, staffOf(context)) };
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Tag, { description: 'A new tag (EDITOR).' })
  async createTag(@Arg('input', () => TermInput) input: TermInput, @Ctx() context: RequestContext): Promise<Tag> {
    return context.services.newsroomEditing.createTerm('tag', input.name, input.slug, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Tag, { description: 'Renames a tag; its slug stays (EDITOR).' })
  async renameTag(@Args(() => RenameArgs) { id, name }: RenameArgs, @Ctx() context: RequestContext): Promise<Tag> {
    return context.services.newsroomEditing.renameTerm('tag', id, name, staffOf(context));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => DeletePayload, { description: 'Deletes a tag no article uses (else CONFLICT) (EDITOR).' })
  async deleteTag(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<DeletePayload> {
    return { id: await context.services.newsroomEditing.deleteTerm('tag', id, staffOf(context)) };
  }
}
