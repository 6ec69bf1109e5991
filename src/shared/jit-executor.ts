import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, printSchema, type DocumentNode, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Executes operations with graphql-jit instead of graphql-js: each distinct document is compiled once into a plain
 * function, which answers the front page in about half the CPU time of the interpreter. It plugs into Apollo Server
 * through the executor interface Apollo offers gateways; parsing, validation (query limits included), error
 * formatting and HTTP stay Apollo's.
 */
export function jitExecutor(schema: GraphQLSchema): GatewayInterface {
  // Apollo keeps one DocumentNode per distinct query in its document cache, so the compiled form lives exactly as
  // long as the parsed one.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();

  function compile(document: DocumentNode, operationName: string | null): CompiledQuery | { errors: readonly GraphQLError[] } {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    const cached = byOperation.get(key);
    if (cached) return cached;
    const result = compileQuery(schema, document, operationName ?? undefined);
    if (!isCompiledQuery(result)) return { errors: (result.errors ?? []).map((error) => (error instanceof GraphQLError ? error : new GraphQLError(String(error)))) };
    byOperation.set(key, result);
    return result;
  }

  return {
    async load() {
      return {
        executor: async (requestContext) => {
          const query = compile(requestContext.document, requestContext.operationName);
          if ('errors' in query) return { errors: query.errors };
          const result = await query.query(undefined, requestContext.context, requestContext.request.variables ?? {});
          if (!result.errors) return result;
          // No data at all means nothing ran: the variables did not fit their types, the caller's mistake.
          const code = result.data === undefined ? 'BAD_USER_INPUT' : undefined;
          return { ...result, errors: result.errors.map((error) => toStandardError(error, code)) };
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors imitate graphql-js's but leave `extensions` undefined, which Apollo's error pipeline does not
 * expect; rebuild each as a standard GraphQLError, keeping message, locations, path and the original error.
 */
function toStandardError(error: GraphQLError, code?: string): GraphQLError {
  const standard = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: code ? { ...error.extensions, code } : (error.extensions ?? {}),
  });
  if (error.locations) Object.defineProperty(standard, 'locations', { value: error.locations, enumerable: true });
  return standard;
}
