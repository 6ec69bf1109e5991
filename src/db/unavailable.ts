/**
 * Whether an error means the database cannot be reached right now (down, restarting, refusing connections, out of
 * connections), as opposed to a statement that failed. Such a request may succeed if tried again shortly, so clients
 * get 503 SERVICE_UNAVAILABLE with Retry-After instead of an internal error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNREACHABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && LOST_CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return true;
    // TypeORM's QueryFailedError keeps pg's error as driverError, graphql-js's wrapper of a value that is not an Error
    // of its realm (a socket error under Jest's sandbox) as thrownValue, others as cause.
    const wrapper = current as { driverError?: unknown; thrownValue?: unknown; cause?: unknown };
    current = wrapper.driverError ?? wrapper.thrownValue ?? wrapper.cause;
  }
  return false;
}

/** Seconds a client is told to wait (Retry-After) before trying again. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const UNREACHABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * SQLSTATEs of an unreachable or overloaded server: class 08 (connection exceptions), 57P01-57P03 (admin or crash
 * shutdown, cannot connect now), 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;

/** What pg and its pool say when a connection is lost or cannot be had (they set no code). */
const LOST_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
];
