import slugify from 'slugify';
import type { EntityManager } from 'typeorm';
import { AppError, badInput } from '../shared/errors';

/** Slugs: lower-case letters, digits and single hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_SLUG = 120;

/** A slug from a title, transliterated (Übersee -> ubersee, Łódź -> lodz, Москва -> moskva), or null if nothing is left. */
export function slugFromTitle(title: string): string | null {
  const slug = slugify(title, { lower: true, strict: true, trim: true })
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  return slug || null;
}

/**
 * A free slug for `table`: the one asked for if it is free (an explicit slug that is taken is a CONFLICT), otherwise
 * the generated one, suffixed -2, -3 … until free. `exceptId` is the row being renamed. Call it inside the transaction
 * that writes the slug: it holds a lock per table until that transaction ends, so two editors creating "Budget 2027"
 * at the same moment get "budget-2027" and "budget-2027-2" rather than one of them a unique-index violation.
 */
export async function freeSlug(
  manager: EntityManager,
  table: 'article' | 'author' | 'section' | 'tag',
  wanted: { explicit?: string | null; from: string },
  exceptId: string | null = null,
): Promise<string> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`masthead:slug:${table}`]);
  const taken = async (slug: string) =>
    ((await manager.query(`SELECT 1 FROM "${table}" WHERE "slug" = $1 AND ("id" <> $2::uuid OR $2::uuid IS NULL)`, [slug, exceptId])) as unknown[]).length > 0;
  if (wanted.explicit) {
    if (!SLUG_PATTERN.test(wanted.explicit) || wanted.explicit.length > MAX_SLUG) {
      throw badInput(`A slug is lower-case letters, digits and single hyphens, at most ${MAX_SLUG} characters.`, 'slug');
    }
    if (await taken(wanted.explicit)) throw new AppError('CONFLICT', `The slug "${wanted.explicit}" is already in use.`, { field: 'slug' });
    return wanted.explicit;
  }
  const base = slugFromTitle(wanted.from) ?? table;
  // The base, then base-2, base-3 … looked up 50 at a time through the unique index (many titles with nothing to
  // transliterate all start from the same base), so a busy base costs a statement per 50 clashes, not one per clash.
  for (let first = 1; ; first += 50) {
    const candidates = Array.from({ length: 50 }, (_, i) => withSuffix(base, first + i));
    const rows: { slug: string }[] = await manager.query(
      `SELECT "slug" FROM "${table}" WHERE "slug" = ANY($1::varchar[]) AND ("id" <> $2::uuid OR $2::uuid IS NULL)`,
      [candidates, exceptId],
    );
    const used = new Set(rows.map((row) => row.slug));
    const free = candidates.find((candidate) => !used.has(candidate));
    if (free) return free;
  }
}

/** `base` for 1, else `base-n`, shortened (without a dangling hyphen) to fit. */
function withSuffix(base: string, n: number): string {
  return n === 1 ? base : `${base.slice(0, MAX_SLUG - String(n).length - 1).replace(/-+$/, '')}-${n}`;
}
