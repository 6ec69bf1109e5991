import slugify from 'slugify';
import type { EntityManager } from 'typeorm';
import { AppError } from '../shared/errors';

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
      throw new AppError('BAD_USER_INPUT', `A slug is lower-case letters, digits and single hyphens, at most ${MAX_SLUG} characters.`, { field: 'slug' });
    }
    if (await taken(wanted.explicit)) throw new AppError('CONFLICT', `The slug "${wanted.explicit}" is already in use.`, { field: 'slug' });
    return wanted.explicit;
  }
  const base = slugFromTitle(wanted.from) ?? table;
  if (!(await taken(base))) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base.slice(0, MAX_SLUG - String(suffix).length - 1)}-${suffix}`;
    if (!(await taken(candidate))) return candidate;
  }
}
