import { sqlText, uriComponentSql } from '../db/json-sql';
import type { Article } from './article.entity';

export interface ArticleShareLinks {
  x: string;
  facebook: string;
  linkedIn: string;
  email: string;
}

/**
 * Public URLs of articles on the newsroom's own site (not this gateway), from the configured base URL and path
 * template, and the share links built on them.
 */
export class ArticleLinks {
  constructor(
    private readonly baseUrl: string,
    private readonly pathTemplate: string,
  ) {}

  url(article: Pick<Article, 'id' | 'slug' | 'publishedAt'>): string {
    // Unpublished articles (previews) have no date yet; today's stands in, as it would on publication.
    const date = article.publishedAt ?? new Date();
    const values: Record<string, string> = {
      slug: encodeURIComponent(article.slug),
      id: article.id,
      yyyy: String(date.getUTCFullYear()),
      mm: String(date.getUTCMonth() + 1).padStart(2, '0'),
      dd: String(date.getUTCDate()).padStart(2, '0'),
    };
    return this.baseUrl + this.pathTemplate.replace(/\{(slug|id|yyyy|mm|dd)\}/g, (_, name: string) => values[name]);
  }

  /** url() in SQL, from the SQL of an article's slug, id and publication time. */
  urlSql(columns: { slug: string; id: string; publishedAt: string }): string {
    const date = `(coalesce(${columns.publishedAt}, now()) AT TIME ZONE 'UTC')`;
    const values: Record<string, string> = {
      slug: uriComponentSql(columns.slug),
      id: `(${columns.id})::text`,
      yyyy: `extract(year FROM ${date})::int::text`,
      mm: `lpad(extract(month FROM ${date})::int::text, 2, '0')`,
      dd: `lpad(extract(day FROM ${date})::int::text, 2, '0')`,
    };
    // The template split at its placeholders: literal text at even positions, placeholder names at odd ones.
    const parts = this.pathTemplate.split(/\{(slug|id|yyyy|mm|dd)\}/);
    const sql = parts.map((part, index) => (index % 2 ? values[part] : sqlText(part))).filter((part) => part !== "''");
    return `(${[sqlText(this.baseUrl), ...sql].join(' || ')})`;
  }

  shareLinks(article: Pick<Article, 'id' | 'slug' | 'publishedAt' | 'title'>): ArticleShareLinks {
    const url = this.url(article);
    const query = (parameters: Record<string, string>) => new URLSearchParams(parameters).toString();
    return {
      x: `https://x.com/intent/post?${query({ url, text: article.title })}`,
      facebook: `https://www.facebook.com/sharer/sharer.php?${query({ u: url })}`,
      linkedIn: `https://www.linkedin.com/sharing/share-offsite/?${query({ url })}`,
      // mailto wants %20 for spaces, not URLSearchParams' "+".
      email: `mailto:?subject=${encodeURIComponent(article.title)}&body=${encodeURIComponent(url)}`,
    };
  }
}
