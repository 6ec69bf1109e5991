import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { Article, ArticleStatus } from '../article/article.entity';
import { Author } from '../author/author.entity';
import { Comment, CommentStatus } from '../comment/comment.entity';
import { Section } from '../taxonomy/section.entity';
import { Tag } from '../taxonomy/tag.entity';
import { DEMO_ARTICLES, DEMO_AUTHORS, DEMO_SECTIONS, DEMO_TAGS, type DemoComment } from './demo-content';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Seeds the demo newsroom (src/db/demo-content.ts) into an empty database, in one transaction. A database that already
 * has an author is left alone, so this runs on first start only and never touches real content.
 */
export async function seedDemoContent(dataSource: DataSource, log: Logger, now = new Date()): Promise<boolean> {
  return dataSource.transaction(async (manager) => {
    // Serialise concurrent first starts; the lock ends with the transaction.
    await manager.query(`SELECT pg_advisory_xact_lock(727274002)`);
    if (await manager.getRepository(Author).exists()) {
      log.debug('database already has content: demo content not seeded');
      return false;
    }
    await insertDemoContent(manager, now);
    log.info({ articles: DEMO_ARTICLES.length, authors: DEMO_AUTHORS.length }, 'seeded demo content');
    return true;
  });
}

async function insertDemoContent(manager: EntityManager, now: Date): Promise<void> {
  const authors = new Map<string, Author>();
  for (const demo of DEMO_AUTHORS) {
    authors.set(demo.key, await manager.save(manager.create(Author, { slug: demo.slug, name: demo.name, bio: demo.bio, avatarUrl: demo.avatarUrl })));
  }
  const sections = new Map<string, Section>();
  for (const demo of DEMO_SECTIONS) sections.set(demo.key, await manager.save(manager.create(Section, { slug: demo.slug, name: demo.name })));
  const tags = new Map<string, Tag>();
  for (const demo of DEMO_TAGS) tags.set(demo.key, await manager.save(manager.create(Tag, { slug: demo.slug, name: demo.name })));

  for (const demo of DEMO_ARTICLES) {
    const publishedAt = demo.status === 'DRAFT' ? null : new Date(now.getTime() - demo.hoursAgo * HOUR_MS);
    const article = await manager.save(
      manager.create(Article, {
        slug: demo.slug,
        title: demo.title,
        excerpt: demo.excerpt,
        body: demo.bodyHtml,
        status: ArticleStatus[demo.status],
        publishedAt,
        authorId: lookup(authors, demo.authorKey).id,
        sectionId: demo.sectionKey ? lookup(sections, demo.sectionKey).id : null,
        tags: demo.tagKeys.map((key) => lookup(tags, key)),
        featuredImageUrl: demo.featuredImage?.url ?? null,
        featuredImageAlt: demo.featuredImage?.alt ?? null,
        featuredImageCaption: demo.featuredImage?.caption ?? null,
      }),
    );
    await insertThread(manager, article, demo.comments, publishedAt ?? now);
  }
}

async function insertThread(manager: EntityManager, article: Article, comments: DemoComment[], publishedAt: Date): Promise<void> {
  const saved = new Map<string, Comment>();
  for (const demo of comments) {
    const parent = demo.replyTo ? lookup(saved, demo.replyTo) : null;
    const comment = await manager.save(
      manager.create(Comment, {
        articleId: article.id,
        parentId: parent?.id ?? null,
        depth: parent ? parent.depth + 1 : 0,
        authorName: demo.authorName,
        authorEmail: demo.authorEmail,
        body: demo.body,
        status: CommentStatus[demo.status],
        createdAt: new Date(publishedAt.getTime() + demo.minutesAfterPublication * MINUTE_MS),
      }),
    );
    saved.set(demo.key, comment);
  }
}

function lookup<V>(map: Map<string, V>, key: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`demo content refers to unknown key "${key}"`);
  return value;
}
