import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { AuthService, TOKEN_MAX_EXPIRY_DAYS, TOKEN_NAME_MAX_LENGTH, type NewToken } from '../src/auth/auth.service';
import { FIRST_ADMIN_TOKEN_NAME } from '../src/auth/first-admin-token';
import { Role } from '../src/auth/role';
import { AuditService } from '../src/audit/audit.service';
import { ConfigError, loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { EmbeddedDatabaseInUseError, startEmbeddedPostgres } from '../src/db/embedded';
import { runMigrations } from '../src/db/migrate';
import { AppError } from '../src/shared/errors';
import { isUuid } from '../src/shared/ids';

const ROLES = Object.values(Role);

const USAGE = `Usage: npm run token:create -- --name "Whose token" --role ${ROLES.join('|')} [--author-id <uuid>] [--expires-in-days N]

Prints a new staff API token for the configured database (DATABASE_URL, or the embedded one in EMBEDDED_DATA_DIR).

  --name NAME            whose token it is, as the audit log shows it (at most ${TOKEN_NAME_MAX_LENGTH} characters)
  --role ROLE            ${ROLES.join(', ')}
  --author-id UUID       AUTHOR tokens only, and required for them: the id of the author whose byline the token writes under
  --expires-in-days N    a whole number of days from 1 to ${TOKEN_MAX_EXPIRY_DAYS}; left out, the token never expires
  -h, --help             show this text`;

/** Exit codes: 2 for anything wrong in the arguments (nothing is created), 1 when the database fails, 78 for a bad environment. */
const EXIT_USAGE = 2;
const EXIT_FAILED = 1;
const EXIT_CONFIG = 78;

class UsageError extends Error {}

/**
 * `npm run token:create -- --name "Ada Editor" --role EDITOR [--author-id <uuid>] [--expires-in-days 90]`
 * Prints a new staff API token. With an empty database the gateway itself prints a first ADMIN token at start-up
 * (FIRST_ADMIN_TOKEN); this is the way to make one while the gateway is stopped, or on a server database at any time.
 */
async function main(argv: string[]): Promise<number> {
  let input: NewToken | 'help';
  try {
    input = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError || isParseArgsError(error))) throw error;
    console.error(`token:create: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (input === 'help') {
    console.log(USAGE);
    return 0;
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return EXIT_CONFIG;
  }
  const log = pino({ level: 'warn' });
  let embedded;
  try {
    embedded = config.database.kind === 'embedded' ? await startEmbeddedPostgres(config.database.dataDir, log) : null;
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseInUseError)) throw error;
    console.error(embeddedInUseAdvice(error));
    return EXIT_FAILED;
  }
  // One connection is enough: runMigrations takes its lock and migrates on the same one.
  const dataSource = createDataSource({ url: embedded?.url ?? (config.database as { url: string }).url, poolSize: 1, statementTimeoutMs: 60_000, applicationName: 'masthead-token-create' });
  try {
    await dataSource.initialize();
    await runMigrations(dataSource, log, { lock: !embedded });
    const { token, record } = await new AuthService(dataSource, new AuditService(dataSource)).issue(input, null);
    console.log(`Created ${record.role} token "${record.name}" (id ${record.id}${record.expiresAt ? `, expires ${record.expiresAt.toISOString()}` : ''}).`);
    console.log('Send it as  Authorization: Bearer <token>  — it is shown only this once:\n');
    console.log(token);
    return 0;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const which = error.code === 'NOT_FOUND' && input.authorId ? ` (--author-id ${input.authorId}: the authors query lists authors' ids)` : '';
    console.error(`token:create: ${error.message}${which}`);
    return EXIT_USAGE;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

/** Checks everything that can be checked without the database, so a mistake costs no migration and creates nothing. */
function parseArguments(argv: string[]): NewToken | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      'author-id': { type: 'string' },
      'expires-in-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const name = values.name?.trim();
  if (!name) throw new UsageError('--name is required: whose token it is.');
  if (name.length > TOKEN_NAME_MAX_LENGTH) throw new UsageError(`--name is at most ${TOKEN_NAME_MAX_LENGTH} characters.`);
  if (values.role === undefined) throw new UsageError(`--role is required: one of ${ROLES.join(', ')}.`);
  const role = ROLES.find((known) => known === values.role?.toUpperCase());
  if (!role) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(values.role)}).`);
  const authorId = values['author-id'];
  if (role === Role.AUTHOR && authorId === undefined) throw new UsageError('--author-id is required for an AUTHOR token: the id of the author it writes as.');
  if (role !== Role.AUTHOR && authorId !== undefined) throw new UsageError('--author-id is for AUTHOR tokens only.');
  if (authorId !== undefined && !isUuid(authorId)) throw new UsageError(`--author-id must be an author's id, a UUID (got ${JSON.stringify(authorId)}).`);
  return { name, role, authorId: authorId ?? null, expiresInDays: parseDays(values['expires-in-days']) };
}

/** Digits only: Number() would read "1e3" and " 7", and parseInt would read "90d" as 90. */
function parseDays(text: string | undefined): number | null {
  if (text === undefined) return null;
  const days = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(days >= 1 && days <= TOKEN_MAX_EXPIRY_DAYS)) {
    throw new UsageError(`--expires-in-days must be a whole number of days from 1 to ${TOKEN_MAX_EXPIRY_DAYS} (got ${JSON.stringify(text)}); leave it out for a token that never expires.`);
  }
  return days;
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof Error && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_');
}

function embeddedInUseAdvice(error: EmbeddedDatabaseInUseError): string {
  return `token:create: the embedded database in ${error.dataDir} is open in process ${error.holderPid} (a running gateway, npm start?),
and only one process at a time may open it. Instead, either:
  - use the ADMIN token the gateway printed when it first started on this database ("${FIRST_ADMIN_TOKEN_NAME}"),
    or any ADMIN token, to create tokens while it runs: on its /graphql, with  Authorization: Bearer <ADMIN token>,
        mutation { createApiToken(input: { name: "Eda Editor", role: EDITOR }) { token } }
  - or stop the gateway (Ctrl+C), run this command again, then start the gateway again.`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // The message only: what went wrong with the database or the environment, never a stack trace.
    console.error(`token:create failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(EXIT_FAILED);
  },
);
