import type { DataSource } from 'typeorm';
import { Article, ArticleStatus } from '../../src/article/article.entity';
import { Author } from '../../src/author/author.entity';
import { Comment, CommentStatus } from '../../src/comment/comment.entity';
import { Section } from '../../src/taxonomy/section.entity';
import { Tag } from '../../src/taxonomy/tag.entity';

let sequence = 0;
const next = () => ++sequence;

/** Factories write straight to the database, so each test states only what it cares about. */
export function factories(dataSource: DataSource) {
  const manager = dataSource.manager;

  async function makeAuthor(fields: Partial<Author> = {}): Promise<Author> {
    const n = next();
    return manager.save(manager.create(Author, { slug: `author-${n}`, name: `Author ${n}`, bio: null, avatarUrl: null, ...fields }));
  }

  async function makeSection(fields: Partial<Section> = {}): Promise<Section> {
    const n = next();
    return manager.save(manager.create(Section, { slug: `section-${n}`, name: `Section ${n}`, ...fields }));
  }

  async function makeTag(fields: Partial<Tag> = {}): Promise<Tag> {
    const n = next();
    return manager.save(manager.create(Tag, { slug: `tag-${n}`, name: `Tag ${n}`, ...fields }));
  }

  /** A published article (an hour ago, by a new author) unless told otherwise. */
  async function makeArticle(fields: Partial<Article> & { author?: Author; section?: Section | null; tags?: Tag[] } = {}): Promise<Article> {
    const n = next();
    const author = fields.author ?? (await makeAuthor());
    const status = fields.status ?? ArticleStatus.PUBLISHED;
    const { author: _author, section, tags, ...rest } = fields;
    return manager.save(
      manager.create(Article, {
        slug: `article-${n}`,
        title: `Article ${n}`,
        excerpt: `Standfirst ${n}`,
        body: `<p>Body of article ${n}.</p>`,
        status,
        publishedAt: status === ArticleStatus.DRAFT ? null : new Date(Date.now() - 3_600_000),
        authorId: author.id,
        sectionId: section?.id ?? null,
        tags: tags ?? [],
        ...rest,
      }),
    );
  }

  /** An approved top-level comment unless told otherwise. */
  async function makeComment(article: Article, fields: Partial<Comment> & { parent?: Comment } = {}): Promise<Comment> {
    const n = next();
    const { parent, ...rest } = fields;
    return manager.save(
      manager.create(Comment, {
        articleId: article.id,
        parentId: parent?.id ?? null,
        depth: parent ? parent.depth + 1 : 0,
        authorName: `Reader ${n}`,
        authorEmail: `reader${n}@example.com`,
        body: `Comment ${n}`,
        status: CommentStatus.APPROVED,
        ...rest,
      }),
    );
  }

  return { makeAuthor, makeSection, makeTag, makeArticle, makeComment };
}

export type Factories = ReturnType<typeof factories>;
