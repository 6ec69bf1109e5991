import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import type { ApolloServerPlugin } from '@apollo/server';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/unavailable';
import { AppError } from './errors';

export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable. Try again in a few seconds.';

/** Codes whose messages are written for clients: from Apollo, from graphql-js validation, from our query limits and safelist. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_ALLOWED',
  'QUERY_TOO_COSTLY',
]);

/**
 * The last word on what a client sees of an error: AppErrors and client-facing codes keep their message and code;
 * everything else is logged in full here and reaches the client as "Internal server error" with no SQL, no stack.
 */
export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const { message, locations, path } = formatted;
    const original = unwrapResolverError(error);

    if (original instanceof AppError) {
      return { message: original.message, locations, path, extensions: { ...original.details, code: original.code } };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = flattenValidationErrors(original.extensions.validationErrors as ValidationError[]);
      return {
        message: fields.map((field) => field.message).join('; ') || 'Invalid arguments.',
        locations,
        path,
        // `field` names the first offending field, as for errors raised by services; `fields` lists them all.
        extensions: { code: 'BAD_USER_INPUT', field: fields[0]?.field, fields },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) {
      const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
      return { message, locations, path, extensions };
    }
    if (isDatabaseUnavailable(original)) {
      log.warn({ err: original, path }, 'the database is unavailable');
      return { message: DATABASE_UNAVAILABLE_MESSAGE, locations, path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    log.error({ err: original, path }, 'internal error while answering a GraphQL request');
    return { message: 'Internal server error', locations, path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

function flattenValidationErrors(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * A response with a SERVICE_UNAVAILABLE error (the database could not be reached) is a 503 with Retry-After: the
 * request was fine and may succeed if sent again, and load balancers and clients treat it so.
 */
export function serviceUnavailableStatus(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          if (!errors?.some((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
