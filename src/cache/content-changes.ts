import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { publicArticleSql } from '../article/article.service';
import { articleChangeTags, commentChangeTags, termChangeTags, type ListKey, type PublicArticle } from './cache-tags';
import type { ResponseCache } from './response-cache';

/**
 * What the services that write content tell the caches, after their transaction has committed. Each call purges the
 * gateway's response cache (here, in Redis and in every instance) before it resolves, so the writer's next read sees
 * the change; a CDN is told as well, in the background.
 */
export interface ContentChanges {
  /** An article changed from `before` to `after` (each null when readers cannot see it; see publicArticles). */
  articleChanged(before: PublicArticle | null, after: PublicArticle | null): Promise<void>;
  /** These articles' visible comments or comment counts changed. */
  commentsChanged(articleIds: readonly string[]): Promise<void>;
  /** Authors, sections or tags were created, renamed, edited or deleted (slugs before and after). */
  termsChanged(key: ListKey, slugs: readonly string[]): Promise<void>;
}

/** For code that runs without caches (scripts, the seed). */
export const NO_CACHES: ContentChanges = {
  articleChanged: async () => undefined,
  commentsChanged: async () => undefined,
  termsChanged: async () => undefined,
};

/** Anything else that is told which tags to purge: a CDN (src/cache/cdn-purge.ts). */
export interface TagPurger {
  purge(tags: readonly string[]): Promise<void>;
}

export class CachePurges implements ContentChanges {
  /** Called after every article change, purging or not (a new schedule may be due sooner than the watcher expects). */
  onArticleChange: (() => void) | null = null;

  constructor(
    private readonly cache: ResponseCache | null,
    private readonly cdn: TagPurger | null,
    private readonly log: Logger,
  ) {}

  async articleChanged(before: PublicArticle | null, after: PublicArticle | null): Promise<void> {
    await this.purge(articleChangeTags(before, after));
    this.onArticleChange?.();
  }

  commentsChanged(articleIds: readonly string[]): Promise<void> {
    return this.purge([...new Set(articleIds)].flatMap(commentChangeTags));
  }

  termsChanged(key: ListKey, slugs: readonly string[]): Promise<void> {
    return this.purge(termChangeTags(key, slugs));
  }

  private async purge(tags: string[]): Promise<void> {
    const unique = [...new Set(tags)];
    if (!unique.length) return;
    this.log.debug({ tags: unique }, 'purging cached responses');
    void this.cdn?.purge(unique);
    // The write has committed: a failed purge is logged by the cache and must not turn it into an error.
    await this.cache?.purge(unique).catch((error: unknown) => this.log.error({ err: error }, 'purging the response cache failed'));
  }
}

interface PublicArticleRow {
  id: string;
  slug: string;
  author_slug: string;
  section_slug: string | null;
  tag_slugs: string[];
}

/**
 * What readers can see of these articles now (inside `manager`'s transaction when there is one), for
 * ContentChanges.articleChanged: the ones they cannot see are absent.
 */
export async function publicArticles(manager: EntityManager, ids: readonly string[]): Promise<Map<string, PublicArticle>> {
  if (!ids.length) return new Map();
  const rows: PublicArticleRow[] = await manager.query(
    `SELECT a."id", a."slug", au."slug" AS author_slug, s."slug" AS section_slug,
            array(SELECT t."slug" FROM "article_tag" at JOIN "tag" t ON t."id" = at."tag_id" WHERE at."article_id" = a."id" ORDER BY 1) AS tag_slugs
       FROM "article" a JOIN "author" au ON au."id" = a."author_id" LEFT JOIN "section" s ON s."id" = a."section_id"
      WHERE a."id" = ANY($1::uuid[]) AND ${publicArticleSql('a')}`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, slug: row.slug, authorSlug: row.author_slug, sectionSlug: row.section_slug, tagSlugs: row.tag_slugs }]));
}
