import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';

/**
 * Checks every request's inputs once, before anything else reads them, so that no part of the gateway has to guard
 * against them on its own: how deeply the JSON nests, U+0000 in any string, and an operation that cannot be resolved.
 * Each is the client's mistake and is answered as one (400 with a code), never reaches PostgreSQL or a recursive
 * function, and never becomes an INTERNAL_SERVER_ERROR.
 */

/**
 * Deepest nesting accepted in a request's JSON (body, or GET's variables and extensions). Masthead's deepest input
 * is a few levels; recursive code (JSON.stringify, input coercion) overflows the stack in the thousands.
 */
export const MAX_JSON_NESTING = 32;

/** True when `value` nests arrays or objects more than `max` levels deep. Iterative: any depth is safe to look at. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return true;
    for (const inner of Array.isArray(current) ? current : Object.values(current)) {
      if (inner !== null && typeof inner === 'object') stack.push({ value: inner, depth: depth + 1 });
    }
  }
  return false;
}

const tooDeep = () => ({
  errors: [{ message: `The request's JSON is nested more than ${MAX_JSON_NESTING} levels deep.`, extensions: { code: 'BAD_REQUEST' } }],
});

/**
 * Express middleware after the JSON body parser: refuses a body, or a GET request's `variables`/`extensions`, nested
 * deeper than MAX_JSON_NESTING (400 BAD_REQUEST). JSON.parse itself copes with any depth; what comes after does not.
 */
export function refuseDeepJson(): RequestHandler {
  return (req, res, next) => {
    let tooDeepHere = nestsDeeperThan(req.body, MAX_JSON_NESTING);
    if (!tooDeepHere && req.method === 'GET') {
      // Read as Apollo reads them (URLSearchParams, every value): Express's req.query stops after 1,000 parameters,
      // so a request padded with 1,000 empty ones would hide its variables from a check made on req.query.
      const parameters = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
      for (const text of [...parameters.getAll('variables'), ...parameters.getAll('extensions')]) {
        try {
          tooDeepHere ||= nestsDeeperThan(JSON.parse(text), MAX_JSON_NESTING);
        } catch {
          // Not JSON: Apollo answers that with its own 400.
        }
      }
    }
    if (tooDeepHere) {
      res.status(400).json(tooDeep());
      return;
    }
    next();
  };
}

/** PostgreSQL's text cannot hold U+0000, so no string input may carry it: one rule for every argument, not per field. */
const NUL = '\u0000';

/** Where in the variables a string (or a key) holds U+0000, as `$name.field[0]`; null when none does. */
function nulInVariables(variables: Record<string, unknown> | undefined): string | null {
  const stack: { value: unknown; path: string }[] = Object.entries(variables ?? {}).map(([name, value]) => ({ value, path: `$${name}` }));
  while (stack.length) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (typeof value === 'string') {
      if (value.includes(NUL)) return path;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes(NUL)) return path;
        stack.push({ value: inner, path: Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}` });
      }
    }
  }
  return null;
}

/** Whether a document writes U+0000 in a string literal (as "\u0000"); one look per parsed document. */
const nulInDocument = new WeakMap<DocumentNode, boolean>();

function documentContainsNul(document: DocumentNode): boolean {
  let found = nulInDocument.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      StringValue(node) {
        if (!node.value.includes(NUL)) return undefined;
        found = true;
        return BREAK;
      },
    });
    nulInDocument.set(document, found);
  }
  return found;
}

/**
 * The first of Apollo's plugins. Apollo runs every plugin's didResolveOperation at once; this one rejects before its
 * first await and comes first in the list, so its error is the one the client gets, and nothing executes:
 * - no operation resolved (an operationName the document lacks, "" or none with several operations) → 400
 *   OPERATION_RESOLUTION_FAILURE, as the GraphQL-over-HTTP spec asks;
 * - variables or extensions nested deeper than MAX_JSON_NESTING, whatever transport brought them → 400 BAD_REQUEST
 *   (refuseDeepJson() already refuses them over HTTP, before anything parses the query);
 * - U+0000 in a variable or in a string literal of the query → 400 BAD_USER_INPUT.
 * The other plugins' hooks still run beside it, so none of them may assume what it checks.
 */
export function requestGuards(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, document }) {
          if (!operation) {
            const name = request.operationName;
            const message =
              typeof name === 'string'
                ? `The document has no operation named ${JSON.stringify(name)}.`
                : 'The document has several operations: say which to run with operationName.';
            throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
          }
          if (nestsDeeperThan(request.variables, MAX_JSON_NESTING) || nestsDeeperThan(request.extensions, MAX_JSON_NESTING)) {
            throw new GraphQLError(tooDeep().errors[0].message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          const where = nulInVariables(request.variables) ?? (documentContainsNul(document) ? 'the query' : null);
          if (where) {
            throw new GraphQLError(`The NUL character (U+0000) is not allowed in text (in ${where}).`, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          }
        },
      };
    },
  };
}
