import type { DataSource, EntityManager } from 'typeorm';
import { unpublishedAccessOf } from '../article/article.access';
import { Article, ArticleStatus } from '../article/article.entity';
import { pick, type AuditService, type Staff } from '../audit/audit.service';
import { Role } from '../auth/role';
import { AppError, badInput, notFound } from '../shared/errors';
import { parseId } from '../shared/ids';
import { optionalText, optionalTextChanges } from '../shared/text';
import { sanitizeArticleHtml } from './html';
import { freeSlug } from './slug';
import type { PublicArticle } from '../cache/cache-tags';
import { publicArticles, type ContentChanges } from '../cache/content-changes';

export interface ArticleDraft {
  title: string;
  slug?: string | null;
  excerpt?: string | null;
  body: string;
  authorId?: string | null;
  sectionId?: string | null;
  tagIds?: string[] | null;
  featuredImageUrl?: string | null;
  featuredImageAlt?: string | null;
  featuredImageCaption?: string | null;
  commentsOpen?: boolean | null;
}

/** A change to an article: only the fields given change. */
export type ArticleChanges = { [K in keyof ArticleDraft]?: ArticleDraft[K] | null };

/** What the audit log keeps of an article before and after a change. */
const AUDITED = ['title', 'slug', 'status', 'publishedAt', 'authorId', 'sectionId', 'version'] as const;

/**
 * Writing articles: drafts, edits with optimistic concurrency, publishing, scheduling, unpublishing, archiving and
 * deleting. Role rules that depend on the article live here: an AUTHOR works on their own articles only, and only
 * while they are drafts; publishing is for editors (the resolver's @Authorized says so). Every change is audited in
 * its transaction.
 */
export class ArticleEditingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly changes: ContentChanges,
  ) {}

  /**
   * Runs `work` in a transaction; `track(id)` (called once the article is locked) notes what readers could see of it
   * then, and after commit the caches are told what they can see now.
   */
  private async changingArticle<T>(work: (manager: EntityManager, track: (articleId: string) => Promise<void>) => Promise<T>): Promise<T> {
    const seen: { id: string | null; before: PublicArticle | null; after: PublicArticle | null } = { id: null, before: null, after: null };
    const result = await this.dataSource.transaction(async (manager) => {
      const done = await work(manager, async (articleId) => {
        seen.id = articleId;
        seen.before = (await publicArticles(manager, [articleId])).get(articleId) ?? null;
      });
      if (seen.id) seen.after = (await publicArticles(manager, [seen.id])).get(seen.id) ?? null;
      return done;
    });
    if (seen.id) await this.changes.articleChanged(seen.before, seen.after);
    return result;
  }

  /** A new DRAFT. An AUTHOR's article is always under their own byline. */
  async create(draft: ArticleDraft, actor: Staff): Promise<Article> {
    const authorId = this.bylineFor(actor, draft.authorId);
    return this.dataSource.transaction(async (manager) => {
      await this.checkReferences(manager, { authorId, sectionId: draft.sectionId, tagIds: draft.tagIds });
      const repository = manager.getRepository(Article);
      const article = repository.create({
        title: draft.title.trim(),
        slug: await freeSlug(manager, 'article', { explicit: draft.slug, from: draft.title }),
        excerpt: optionalText(draft.excerpt),
        body: sanitizedBody(draft.body),
        status: ArticleStatus.DRAFT,
        publishedAt: null,
        authorId,
        sectionId: draft.sectionId ? parseId(draft.sectionId, 'sectionId') : null,
        tags: (draft.tagIds ?? []).map((id) => ({ id: parseId(id, 'tagIds') })),
        featuredImageUrl: optionalText(draft.featuredImageUrl),
        featuredImageAlt: optionalText(draft.featuredImageAlt),
        featuredImageCaption: optionalText(draft.featuredImageCaption),
        commentsOpen: draft.commentsOpen ?? true,
      });
      const saved = await repository.save(article);
      await this.audit.record(manager, actor, { action: 'article.create', subjectType: 'article', subjectId: saved.id, after: pick(saved, AUDITED) });
      return this.reload(manager, saved.id);
    });
  }

  /**
   * Applies `changes` if the article is still at `version` (CONFLICT otherwise: someone saved in between, and nothing
   * is overwritten). The slug follows the title until the article is first published, then stays.
   */
  async update(id: string, version: number, changes: ArticleChanges, actor: Staff): Promise<Article> {
    return this.changingArticle(async (manager, track) => {
      const current = await this.lockForEditing(manager, id, actor);
      await track(current.id);
      if (current.version !== version) {
        throw new AppError('CONFLICT', `This article was changed since you opened it (version ${current.version}, yours ${version}). Reload it and apply your edits again.`, {
          currentVersion: current.version,
        });
      }
      if (changes.authorId && changes.authorId !== current.authorId) this.bylineFor(actor, changes.authorId);
      await this.checkReferences(manager, { authorId: changes.authorId ?? undefined, sectionId: changes.sectionId, tagIds: changes.tagIds });
      const slugLocked = wasPublic(current) || current.status !== ArticleStatus.DRAFT;
      const title = changes.title?.trim() ?? current.title;
      let slug = current.slug;
      if (changes.slug && changes.slug !== current.slug) {
        if (slugLocked) throw new AppError('CONFLICT', 'The slug of a published article stays as it is: links to it are out in the world.', { field: 'slug' });
        slug = await freeSlug(manager, 'article', { explicit: changes.slug, from: title }, current.id);
      } else if (!slugLocked && !changes.slug && changes.title !== undefined && title !== current.title) {
        slug = await freeSlug(manager, 'article', { from: title }, current.id);
      }
      const repository = manager.getRepository(Article);
      await repository.update(
        { id: current.id },
        {
          title,
          slug,
          ...optionalTextChanges(changes, ['excerpt', 'featuredImageUrl', 'featuredImageAlt', 'featuredImageCaption']),
          ...(changes.body !== undefined && changes.body !== null && { body: sanitizedBody(changes.body) }),
          ...(changes.authorId && { authorId: parseId(changes.authorId, 'authorId') }),
          ...(changes.sectionId !== undefined && { sectionId: changes.sectionId ? parseId(changes.sectionId, 'sectionId') : null }),
          ...(changes.commentsOpen !== undefined && changes.commentsOpen !== null && { commentsOpen: changes.commentsOpen }),
          version: current.version + 1,
        },
      );
      if (changes.tagIds) {
        await manager.query(`DELETE FROM "article_tag" WHERE "article_id" = $1`, [current.id]);
        if (changes.tagIds.length) {
          await manager.query(`INSERT INTO "article_tag" ("article_id", "tag_id") SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [
            current.id,
            changes.tagIds.map((tag) => parseId(tag, 'tagIds')),
          ]);
        }
      }
      const updated = await this.reload(manager, current.id);
      await this.audit.record(manager, actor, { action: 'article.update', subjectType: 'article', subjectId: current.id, before: pick(current, AUDITED), after: pick(updated, AUDITED) });
      return updated;
    });
  }

  /** Publishes now; an article that was published before keeps its original date. */
  publish(id: string, actor: Staff): Promise<Article> {
    return this.transition(id, actor, 'article.publish', (article) => {
      if (article.status === ArticleStatus.PUBLISHED) return null;
      return { status: ArticleStatus.PUBLISHED, publishedAt: wasPublic(article) ? article.publishedAt : new Date() };
    });
  }

  /**
   * Makes a draft (or a scheduled article not yet out) public at `publishAt`, with no job needed: visibility is decided
   * when read. An article readers can already see is not silently taken offline: unpublish it first.
   */
  schedule(id: string, publishAt: Date, actor: Staff): Promise<Article> {
    if (publishAt.getTime() <= Date.now()) throw badInput('publishAt must be in the future; use publishArticle to publish now.', 'publishAt');
    return this.transition(id, actor, 'article.schedule', (article) => {
      const schedulable = article.status === ArticleStatus.DRAFT || (article.status === ArticleStatus.SCHEDULED && !wasPublic(article));
      if (!schedulable) {
        throw new AppError('CONFLICT', `This article is ${article.status.toLowerCase()}${article.status === ArticleStatus.SCHEDULED ? ' and already public' : ''}; unpublish it before scheduling it.`, { status: article.status });
      }
      return { status: ArticleStatus.SCHEDULED, publishedAt: publishAt };
    });
  }

  /** Back to DRAFT: hidden from readers; its slug stays. A scheduled article that never came out forgets its date. */
  unpublish(id: string, actor: Staff): Promise<Article> {
    return this.transition(id, actor, 'article.unpublish', (article) =>
      article.status === ArticleStatus.DRAFT ? null : { status: ArticleStatus.DRAFT, publishedAt: wasPublic(article) ? article.publishedAt : null },
    );
  }

  archive(id: string, actor: Staff): Promise<Article> {
    return this.transition(id, actor, 'article.archive', (article) => (article.status === ArticleStatus.ARCHIVED ? null : { status: ArticleStatus.ARCHIVED }));
  }

  /** Deletes the article and its comments. An AUTHOR may delete their own drafts that readers never saw. */
  async delete(id: string, actor: Staff): Promise<string> {
    return this.changingArticle(async (manager, track) => {
      const article = await this.lockForEditing(manager, id, actor);
      await track(article.id);
      if (actor.role === Role.AUTHOR && wasPublic(article)) {
        throw new AppError('FORBIDDEN', 'This article has been public (it may have comments and links to it); ask an editor to delete it.');
      }
      await manager.query(`DELETE FROM "article" WHERE "id" = $1`, [article.id]);
      await this.audit.record(manager, actor, { action: 'article.delete', subjectType: 'article', subjectId: article.id, before: pick(article, AUDITED) });
      return article.id;
    });
  }

  /**
   * Any article, whatever its status, for a preview, as far as the actor may read unpublished articles
   * (article.access.ts): an AUTHOR sees only their own. Null when missing.
   */
  async findForPreview(by: { slug: string } | { id: string }, actor: Staff): Promise<Article | null> {
    const article = await this.dataSource
      .getRepository(Article)
      .findOneBy('id' in by ? { id: parseId(by.id) } : { slug: by.slug });
    if (!article) return null;
    const access = unpublishedAccessOf(actor);
    if (access.kind === 'none') throw new AppError('FORBIDDEN', `A ${actor.role} token may not preview articles.`);
    if (access.kind === 'byline' && article.authorId !== access.authorId) throw new AppError('FORBIDDEN', 'Authors can preview their own articles only.');
    return article;
  }

  private async transition(
    id: string,
    actor: Staff,
    action: string,
    change: (article: Article) => Partial<Pick<Article, 'status' | 'publishedAt'>> | null,
  ): Promise<Article> {
    return this.changingArticle(async (manager, track) => {
      const article = await this.lock(manager, id);
      await track(article.id);
      const next = change(article);
      if (!next) return article;
      await manager.getRepository(Article).update({ id: article.id }, { ...next, version: article.version + 1 });
      const updated = await this.reload(manager, article.id);
      await this.audit.record(manager, actor, { action, subjectType: 'article', subjectId: article.id, before: pick(article, AUDITED), after: pick(updated, AUDITED) });
      return updated;
    });
  }

  /** The byline of a new or moved article: the AUTHOR's own, or the one an editor names. */
  private bylineFor(actor: Staff, authorId: string | null | undefined): string {
    if (actor.role === Role.AUTHOR) {
      if (authorId && authorId !== actor.authorId) throw new AppError('FORBIDDEN', 'Authors write under their own byline only.');
      if (!actor.authorId) throw new AppError('FORBIDDEN', 'This AUTHOR token is not linked to a byline.');
      return actor.authorId;
    }
    if (!authorId) throw badInput('Say whose byline the article carries (authorId).', 'authorId');
    return parseId(authorId, 'authorId');
  }

  private async checkReferences(manager: EntityManager, refs: { authorId?: string | null; sectionId?: string | null; tagIds?: string[] | null }): Promise<void> {
    // FOR KEY SHARE: a section or tag being deleted at the same moment either waits for this article (and then sees it
    // in its use count) or is gone before it (NOT_FOUND here); never a foreign-key violation at insert.
    const exists = async (table: string, id: string, field: string) => {
      const rows: unknown[] = await manager.query(`SELECT 1 FROM "${table}" WHERE "id" = $1 FOR KEY SHARE`, [parseId(id, field)]);
      if (!rows.length) throw notFound(`There is no ${table} with this ${field}.`);
    };
    if (refs.authorId) await exists('author', refs.authorId, 'authorId');
    if (refs.sectionId) await exists('section', refs.sectionId, 'sectionId');
    if (refs.tagIds?.length) {
      const ids = refs.tagIds.map((tag) => parseId(tag, 'tagIds'));
      const found: unknown[] = await manager.query(`SELECT 1 FROM "tag" WHERE "id" = ANY($1::uuid[]) FOR KEY SHARE`, [ids]);
      if (found.length !== new Set(ids).size) throw notFound('One of tagIds is not a tag.');
    }
  }

  /** Locks the article for a change an AUTHOR may make: their own draft. */
  private async lockForEditing(manager: EntityManager, id: string, actor: Staff): Promise<Article> {
    const article = await this.lock(manager, id);
    if (actor.role === Role.AUTHOR) {
      if (article.authorId !== actor.authorId) throw new AppError('FORBIDDEN', 'Authors can change their own articles only.');
      if (article.status !== ArticleStatus.DRAFT) throw new AppError('FORBIDDEN', 'Authors can change drafts only; ask an editor to change a published or scheduled article.');
    }
    return article;
  }

  private async lock(manager: EntityManager, id: string): Promise<Article> {
    const article = await manager.getRepository(Article).findOne({ where: { id: parseId(id) }, lock: { mode: 'pessimistic_write' } });
    if (!article) throw notFound('There is no article with this id.');
    return article;
  }

  private async reload(manager: EntityManager, id: string): Promise<Article> {
    return manager.getRepository(Article).findOneOrFail({ where: { id } });
  }
}

/** Whether readers have been able to see the article: its publication time has come and it was not a mere draft date. */
function wasPublic(article: Article): boolean {
  return article.publishedAt !== null && article.publishedAt.getTime() <= Date.now();
}

/** The sanitised body; BAD_USER_INPUT when nothing is left (a body that was only a script, say). */
function sanitizedBody(html: string): string {
  const body = sanitizeArticleHtml(html);
  if (!body) throw badInput('The body has nothing left once scripts, styles and other disallowed markup are removed.', 'body');
  return body;
}
