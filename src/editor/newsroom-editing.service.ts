import type { DataSource, EntityManager } from 'typeorm';
import type { ContentChanges } from '../cache/content-changes';
import { pick, type AuditService, type Staff } from '../audit/audit.service';
import { Author } from '../author/author.entity';
import { AppError, notFound } from '../shared/errors';
import { parseId } from '../shared/ids';
import { optionalText, optionalTextChanges } from '../shared/text';
import { Section } from '../taxonomy/section.entity';
import { Tag } from '../taxonomy/tag.entity';
import { freeSlug } from './slug';

export interface AuthorFields {
  name: string;
  slug?: string | null;
  bio?: string | null;
  avatarUrl?: string | null;
}

type Term = 'section' | 'tag';
const TERM_ENTITY = { section: Section, tag: Tag } as const;

/** Bylines, sections and tags: the newsroom's furniture. Every change is audited in its transaction. */
export class NewsroomEditingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly changes: ContentChanges,
  ) {}

  async createAuthor(fields: AuthorFields, actor: Staff): Promise<Author> {
    const created = await this.dataSource.transaction(async (manager) => {
      const author = await manager.getRepository(Author).save({
        name: fields.name.trim(),
        slug: await freeSlug(manager, 'author', { explicit: fields.slug, from: fields.name }),
        bio: optionalText(fields.bio),
        avatarUrl: optionalText(fields.avatarUrl),
      });
      await this.audit.record(manager, actor, { action: 'author.create', subjectType: 'author', subjectId: author.id, after: pick(author, ['name', 'slug']) });
      return author;
    });
    await this.changes.termsChanged('author', [created.slug]);
    return created;
  }

  /** Changes a byline; its slug changes only when a new one is given. */
  async updateAuthor(id: string, fields: Partial<AuthorFields>, actor: Staff): Promise<Author> {
    let previousSlug = '';
    const updated = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(Author);
      const current = await repository.findOne({ where: { id: parseId(id) }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw notFound('There is no author with this id.');
      previousSlug = current.slug;
      const slug = fields.slug && fields.slug !== current.slug ? await freeSlug(manager, 'author', { explicit: fields.slug, from: current.name }, current.id) : current.slug;
      await repository.update(
        { id: current.id },
        {
          slug,
          ...(fields.name && { name: fields.name.trim() }),
          ...optionalTextChanges(fields, ['bio', 'avatarUrl']),
        },
      );
      const updated = await repository.findOneByOrFail({ id: current.id });
      await this.audit.record(manager, actor, { action: 'author.update', subjectType: 'author', subjectId: current.id, before: pick(current, ['name', 'slug', 'bio', 'avatarUrl']), after: pick(updated, ['name', 'slug', 'bio', 'avatarUrl']) });
      return updated;
    });
    await this.changes.termsChanged('author', [previousSlug, updated.slug]);
    return updated;
  }

  async createTerm(term: Term, name: string, slug: string | null | undefined, actor: Staff): Promise<Section | Tag> {
    const made = await this.dataSource.transaction(async (manager) => {
      const created = await manager.getRepository(TERM_ENTITY[term]).save({ name: name.trim(), slug: await freeSlug(manager, term, { explicit: slug, from: name }) });
      await this.audit.record(manager, actor, { action: `${term}.create`, subjectType: term, subjectId: created.id, after: pick(created, ['name', 'slug']) });
      return created;
    });
    await this.changes.termsChanged(term, [made.slug]);
    return made;
  }

  /** Renames a section or tag; the slug stays, so links keep working. */
  async renameTerm(term: Term, id: string, name: string, actor: Staff): Promise<Section | Tag> {
    const done = await this.dataSource.transaction(async (manager) => {
      const current = await this.lockTerm(manager, term, id);
      await manager.getRepository(TERM_ENTITY[term]).update({ id: current.id }, { name: name.trim() });
      const renamed = await manager.getRepository(TERM_ENTITY[term]).findOneByOrFail({ id: current.id });
      await this.audit.record(manager, actor, { action: `${term}.rename`, subjectType: term, subjectId: current.id, before: pick(current, ['name']), after: pick(renamed, ['name']) });
      return renamed;
    });
    await this.changes.termsChanged(term, [done.slug]);
    return done;
  }

  /** Deletes a section or tag that no article uses; CONFLICT (with the count) otherwise. */
  async deleteTerm(term: Term, id: string, actor: Staff): Promise<string> {
    let slug = '';
    const deleted = await this.dataSource.transaction(async (manager) => {
      const current = await this.lockTerm(manager, term, id);
      const [{ used }] = await manager.query(
        term === 'section'
          ? `SELECT count(*)::int AS "used" FROM "article" WHERE "section_id" = $1`
          : `SELECT count(*)::int AS "used" FROM "article_tag" WHERE "tag_id" = $1`,
        [current.id],
      );
      if (used > 0) throw new AppError('CONFLICT', `"${current.name}" is used by ${used} article(s); move them first.`, { articles: used });
      await manager.getRepository(TERM_ENTITY[term]).delete({ id: current.id });
      await this.audit.record(manager, actor, { action: `${term}.delete`, subjectType: term, subjectId: current.id, before: pick(current, ['name', 'slug']) });
      slug = current.slug;
      return current.id;
    });
    await this.changes.termsChanged(term, [slug]);
    return deleted;
  }

  private async lockTerm(manager: EntityManager, term: Term, id: string): Promise<Section | Tag> {
    const found = await manager.getRepository(TERM_ENTITY[term]).findOne({ where: { id: parseId(id) }, lock: { mode: 'pessimistic_write' } });
    if (!found) throw notFound(`There is no ${term} with this id.`);
    return found;
  }
}
