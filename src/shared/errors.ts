/**
 * Errors a caller can act on. Services throw these (they know nothing of GraphQL); formatError turns each into a
 * GraphQL error whose extensions.code is the stable `code` below. Anything else is an internal error and reaches the
 * client as a generic message.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'DUPLICATE_COMMENT'
  | 'COMMENTS_CLOSED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INVALID_TOKEN'
  | 'TOKEN_EXPIRED';

export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, client-safe detail merged into extensions (e.g. { field: 'first' }). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function badInput(message: string, field?: string): AppError {
  return new AppError('BAD_USER_INPUT', message, field ? { field } : {});
}

export function notFound(message: string): AppError {
  return new AppError('NOT_FOUND', message);
}
