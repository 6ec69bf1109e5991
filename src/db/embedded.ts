import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedPostgres {
  /** A postgres:// URL on a loopback port that the ordinary pg driver (and TypeORM) can use. */
  readonly url: string;
  /** How many connections one app's pool may hold: one, as PGlite runs a statement at a time anyway. */
  readonly poolSize: number;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (PostgreSQL compiled to WebAssembly, in this process) on `dataDir` (null: in memory, for tests) and
 * serves it on a random loopback port, so the rest of Masthead talks to it exactly as to a PostgreSQL server. For
 * development and zero-setup use only: queries run one at a time.
 */
export async function startEmbeddedPostgres(
  dataDir: string | null,
  log: Logger,
  options: { maxConnections?: number } = {},
): Promise<EmbeddedPostgres> {
  const absoluteDir = dataDir === null ? null : path.resolve(dataDir);
  if (absoluteDir) fs.mkdirSync(absoluteDir, { recursive: true });
  const releaseLock = absoluteDir ? lockDataDir(absoluteDir) : () => undefined;
  const startedAt = Date.now();
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const fresh = !absoluteDir || !fs.existsSync(path.join(absoluteDir, 'PG_VERSION'));
    const db = await PGlite.create(absoluteDir ? { dataDir: absoluteDir } : {});
    // PGlite executes one statement at a time. The socket server queues them and keeps a transaction's statements
    // together, but statements from different connections outside a transaction may interleave: an app uses one
    // connection (poolSize below), and the spare lets a replaced connection overlap its predecessor's teardown.
    const maxConnections = options.maxConnections ?? 2;
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    log.info({ dataDir: absoluteDir ?? 'memory', fresh, startupMs: Date.now() - startedAt }, 'embedded PostgreSQL (PGlite) started');
    return {
      url,
      poolSize: 1,
      async stop() {
        await server.stop();
        await db.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/** Another live process (a running gateway, usually) holds the data directory; callers can say what to do instead. */
export class EmbeddedDatabaseInUseError extends Error {
  override readonly name = 'EmbeddedDatabaseInUseError';

  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(`The embedded database in ${dataDir} is in use by process ${holderPid}. Stop it, or set EMBEDDED_DATA_DIR to another folder.`);
  }
}

/** Two processes on one PGlite data directory would corrupt it; a pid file refuses the second one with a clear message. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, '..', `${path.basename(dataDir)}.lock`);
  try {
    const holder = Number(fs.readFileSync(lockFile, 'utf8'));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new EmbeddedDatabaseInUseError(dataDir, holder);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.writeFileSync(lockFile, String(process.pid));
  return () => fs.rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
