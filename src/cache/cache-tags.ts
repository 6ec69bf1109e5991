import { createHash } from 'node:crypto';

/**
 * Cache tags name what a cached response depends on, so that a change can purge exactly the responses it affects, in
 * the gateway's response cache and in a CDN (the `Surrogate-Key` / `Cache-Tag` headers). Two kinds:
 *
 * - Filter tags, from the query itself: which list it asks for (`list:section:world`, `list:all`, `list:search`) or
 *   which single thing it looked up (`article-slug:…`). They catch what is not in the response yet: an article
 *   published into section S purges every cached list whose filter can contain it, and nothing else.
 * - Member tags, from what the response holds: `article:<id>` for every article in it, `comments:<id>` when it shows
 *   that article's comments or counts. An edited article or an approved comment purges the responses that hold it.
 *
 * Tags use [A-Za-z0-9:._-] only, so that every CDN reads them as one tag each (Cloudflare splits Cache-Tag at commas,
 * vmod xkey at commas and spaces). A value outside [A-Za-z0-9._-] (a slug argument can be anything) is replaced by
 * a hash, the same on both sides since purges name slugs through the same function.
 */

/**
 * More tags than this, or more bytes in the Surrogate-Key header than MAX_TAG_HEADER_BYTES (Varnish refuses response
 * headers over 8 kB by default), and a response is tagged `article:any`/`comments:any` instead of one tag per article.
 */
export const MAX_MEMBER_TAGS = 250;
export const MAX_TAG_HEADER_BYTES = 6_000;

/** Purged with every article change: responses too large to list their articles one by one. */
export const ANY_ARTICLE = 'article:any';
/** Purged with every comment change: responses that show too many articles' comments to list. */
export const ANY_COMMENTS = 'comments:any';

/** The kinds of thing an article list can be filtered by, in the order tags name them. */
export type ListKey = 'author' | 'section' | 'tag';
const LIST_KEYS: readonly ListKey[] = ['author', 'section', 'tag'];

export function tagValue(value: string): string {
  return /^[A-Za-z0-9._-]{1,100}$/.test(value) ? value : `_${createHash('sha256').update(value).digest('hex').slice(0, 24)}`;
}

export const cacheTag = {
  article: (id: string) => `article:${tagValue(id)}`,
  articleSlug: (slug: string) => `article-slug:${tagValue(slug)}`,
  comments: (articleId: string) => `comments:${tagValue(articleId)}`,
  /** An article list filtered by these (a list with no filter of these kinds is `list:all`). */
  list(filter: Partial<Record<ListKey, string>>): string {
    const parts = LIST_KEYS.filter((key) => filter[key] != null).map((key) => `${key}:${tagValue(filter[key] as string)}`);
    return parts.length ? `list:${parts.join(':')}` : 'list:all';
  },
  /** An author's, section's or tag's articles where the query does not say whose (`Article.author { articles }`). */
  anyList: (key: ListKey) => `list:any-${key}`,
  search: 'list:search',
  /** Every "More like this" list: any article's change can add to or reorder one. */
  related: 'list:related',
  /** Every article list of any kind: purged when an author, section or tag goes or changes its slug. */
  everyList: 'list:every',
  /** A lookup by slug (`author(slug:)`, `section(slug:)`, `tag(slug:)`). */
  termSlug: (key: ListKey, slug: string) => `${key}-slug:${tagValue(slug)}`,
  /** Any response that shows an author's, section's or tag's own fields (a name, a bio). */
  anyTerm: (key: ListKey) => `${key}:any`,
} as const;

/** What readers can see of an article, as far as cached lists are concerned; null when they cannot see it. */
export interface PublicArticle {
  id: string;
  slug: string;
  authorSlug: string;
  sectionSlug: string | null;
  tagSlugs: readonly string[];
}

/**
 * The tags to purge when an article changes from `before` to `after` (null: not public). A change to an article no
 * reader can see, before or after, purges nothing.
 */
export function articleChangeTags(before: PublicArticle | null, after: PublicArticle | null): string[] {
  const tags = new Set<string>();
  for (const state of [before, after]) {
    if (!state) continue;
    tags.add(cacheTag.article(state.id));
    tags.add(cacheTag.articleSlug(state.slug));
    tags.add(cacheTag.search);
    tags.add(cacheTag.related);
    tags.add(ANY_ARTICLE);
    // Every list whose filter this article satisfies: each combination of its author, its section and one of its tags.
    const values: Record<ListKey, (string | undefined)[]> = {
      author: [undefined, state.authorSlug],
      section: state.sectionSlug ? [undefined, state.sectionSlug] : [undefined],
      tag: [undefined, ...state.tagSlugs],
    };
    for (const author of values.author) for (const section of values.section) for (const tag of values.tag) tags.add(cacheTag.list({ author, section, tag }));
    tags.add(cacheTag.anyList('author'));
    if (state.sectionSlug) tags.add(cacheTag.anyList('section'));
    if (state.tagSlugs.length) tags.add(cacheTag.anyList('tag'));
  }
  return [...tags];
}

/** Tags to purge when an article's visible comments change (approved, removed, edited, or posted straight away). */
export function commentChangeTags(articleId: string): string[] {
  return [cacheTag.comments(articleId), ANY_COMMENTS];
}

/**
 * Tags to purge when an author, section or tag is created, renamed, edited or deleted: every response showing any of
 * that kind's fields, its lookups by slug, and every article list (a deleted tag leaves its articles' lists). Rare
 * editorial acts, so broad.
 */
export function termChangeTags(key: ListKey, slugs: readonly string[]): string[] {
  return [cacheTag.anyTerm(key), cacheTag.everyList, ...slugs.map((slug) => cacheTag.termSlug(key, slug))];
}

/**
 * What one request's execution adds to the tags its query implies: the articles it read. Loaders report every article
 * they hand to a resolver (see ArticleLoaders.remember); direct reads report the rows of their lists.
 */
export class ResponseMembers {
  readonly articles = new Set<string>();

  article(id: string): void {
    this.articles.add(id);
  }
}
