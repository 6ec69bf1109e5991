import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';

/**
 * The list of operations a safelisted gateway runs (PERSISTED_QUERIES=only), in Apollo's persisted-query manifest
 * format, so that the files Apollo's own tooling writes are read as they are. scripts/persisted-queries.ts writes it
 * from a client's .graphql files.
 */
export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

export interface PersistedOperation {
  /** The sha256 of `body`, in hex: what a client sends as extensions.persistedQuery.sha256Hash. */
  readonly id: string;
  readonly name: string;
  readonly type: 'query' | 'mutation' | 'subscription';
  /** The operation and the fragments it uses, as graphql's `print` writes them. */
  readonly body: string;
}

export interface PersistedQueryManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: 1;
  readonly operations: readonly PersistedOperation[];
}

/** An operation's id: the same hash Apollo's automatic persisted queries use for a query text. */
export function operationId(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in lower-case hex'),
      name: z.string().min(1),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/**
 * Checks a manifest's shape, and that each id is its body's sha256: a wrong id would let through a text that nobody
 * reviewed under a name that somebody did. Throws ManifestError saying what is wrong and where.
 */
export function parseManifest(value: unknown): PersistedQueryManifest {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new ManifestError(`not an ${MANIFEST_FORMAT} (version 1): ${issue.message}${where}`);
  }
  const seen = new Set<string>();
  parsed.data.operations.forEach((operation, index) => {
    if (operationId(operation.body) !== operation.id) {
      throw new ManifestError(`operations.${index} (${operation.name}): id is not the sha256 of its body`);
    }
    if (seen.has(operation.id)) throw new ManifestError(`operations.${index} (${operation.name}): the id ${operation.id} is listed twice`);
    seen.add(operation.id);
  });
  return parsed.data as PersistedQueryManifest;
}

/** Reads and checks a manifest file; ManifestError for a file that is missing, not JSON, or not a manifest. */
export function readManifest(file: string): PersistedQueryManifest {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError(code === 'ENOENT' ? `no file at ${file}` : `cannot read ${file} (${code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${file} is not JSON (${(error as Error).message})`);
  }
  try {
    return parseManifest(json);
  } catch (error) {
    if (error instanceof ManifestError) throw new ManifestError(`${file}: ${error.message}`);
    throw error;
  }
}

/** The manifest as written to disk: operations sorted by name, so a regenerated file diffs only where operations changed. */
export function formatManifest(operations: readonly PersistedOperation[]): string {
  const manifest: PersistedQueryManifest = {
    format: MANIFEST_FORMAT,
    version: 1,
    operations: [...operations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
