import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextResponseForOperation } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { ResolveTree } from 'graphql-parse-resolve-info';
import type { Logger } from 'pino';
import type { RequestContext } from '../context';
import { jsonIntegerOrBooleanSql, jsonPlainStringSql, jsonValueSql, sqlText } from '../db/json-sql';
import type { LRUCache } from 'lru-cache';
import type { ConnectionBase, Edge, PageInfo } from './pagination';
import { boundedCache, fillOf, type CacheFill } from './query-caches';

/**
 * Direct reads: the public read queries a site sends on every page view (the front page's article list with what a
 * teaser shows) are answered without the GraphQL executor, PostGraphile-style. The root (`articles`) runs the
 * service's own statement, cursors and checks; each article in it is built by PostgreSQL as the JSON text the query
 * asks for (concatenated in selection order, aliases and __typename included, written exactly as JSON.stringify writes
 * it; `built` tables per GraphQL type give each field's SQL), and that text goes into the response as it is: it is
 * never parsed in the gateway. The few objects around it (the connection, its edges and page info) are read in
 * JavaScript through `types` tables of getters, and the response is serialised around the texts (stringifyResult).
 *
 * Why: on the front page the executor's per-field machinery (a resolver call, a promise and a DataLoader lookup for
 * every author, section, tag list, count and thread of every article, then entities built from rows and serialised
 * again) cost the gateway twice as much CPU as the rest of the request together; then parsing the JSON PostgreSQL sent
 * and serialising it again was about 15% of what remained. PostgreSQL's json_build_object and json_agg cost it about a
 * quarter more than concatenating the same text, and write spaces JavaScript does not.
 *
 * A query is answered here only if every field it selects is in the tables and its arguments pass the same checks the
 * resolvers make. Anything else (a field not in the tables, an invalid argument, an error while reading) goes to the
 * executor as before, which answers it or reports the error as it always does: this path never produces an error of
 * its own. GRAPHQL_DIRECT_READS=false turns it off. test/article/direct-reads.test.ts compares both paths' bytes over
 * many query shapes, and test/db/json-sql.test.ts the SQL that mirrors a resolver's JavaScript (dates, URLs).
 */

/** The parts of a query this path does not answer; the executor will. Not an error. */
export class NotDirect extends Error {}

export function notDirect(why: string): never {
  throw new NotDirect(why);
}

/** One field of the query, its arguments resolved, with what it selects (for composite types) by type name. */
export interface SelectedField extends ResolveTree {
  /** The field's declared type; null for __typename. */
  type: GraphQLOutputType | null;
  fieldsByTypeName: Record<string, Record<string, SelectedField>>;
  /** Set by check(): how to read the field, and what it selects in response order. */
  read?: FieldGetter<never>;
  children?: SelectedField[];
}

/** Reads one GraphQL field off a source object. May return a promise (a count read only when asked for). */
export type FieldGetter<S> = (source: S, args: Record<string, unknown>, context: RequestContext) => unknown;
export type DirectFields<S> = Record<string, FieldGetter<S>>;

/**
 * Answers one root Query field: what its resolver would return (the object the fields are then read from). `json`
 * compiles selections of built types (`DirectReadsSpec.built`) into SQL, its placeholders numbered after `parameters`.
 */
export type DirectRoot = (
  args: Record<string, unknown>,
  field: SelectedField,
  context: RequestContext,
  json: (parameters: unknown[]) => JsonBuild,
) => Promise<unknown>;

/**
 * Gives, as SQL, one field of a built type, from `scope` (the columns the statement offers): for a leaf type its value
 * (JsonBuild writes it as JSON), for an object or a list its JSON text (JsonBuild.object, jsonArraySql), or NULL; or,
 * for any type, the JSON text itself as JsonText.
 */
export type SqlField<S> = (scope: S, field: SelectedField, json: JsonBuild) => string | JsonText;
export type SqlFields<S> = Record<string, SqlField<S>>;

export interface DirectReadsSpec {
  roots: Record<string, DirectRoot>;
  /** Types whose objects are read in JavaScript, field by field. */
  types: Record<string, DirectFields<never>>;
  /**
   * Types whose objects PostgreSQL builds, exactly as the response carries them: a root's statement selects the JSON
   * text of what the query asks (JsonBuild.object), and the text (as BuiltJson) goes into the response as it is. A type
   * may have both: read in JavaScript where a root returns it, built where it sits inside a built object.
   */
  built?: Record<string, SqlFields<never>>;
}

/** Marks the data of a response answered here (a symbol: neither JSON.stringify nor writeJson writes it). */
const ANSWERED_HERE = Symbol('answered by direct reads');

/**
 * Variables longer than this (as JSON) are not remembered with their selections: a query asked with large variables
 * is collected again each time rather than kept.
 */
const MAX_REMEMBERED_VARIABLES_LENGTH = 2_000;

/** SQL that gives a field's JSON text itself, never NULL ("null" for null). */
export class JsonText {
  constructor(readonly sql: string) {}
}

/** A string field whose values never need escaping in JSON (uuids, ISO timestamps, enum labels): no to_json. */
export function plainString(sql: string): JsonText {
  return new JsonText(jsonPlainStringSql(sql));
}

/** A built object's SQL as compiled once, with the parameter values it adds (fixed by its field's arguments). */
interface CompiledObject {
  sql: string;
  parameters: unknown[];
}

/**
 * Compiled SQL by selected field, then by scope, then by how many parameters came before it. Selected fields are
 * reused while their query (document and variables) is (DirectReads.selectionsOf), so a query asked again is not
 * compiled again.
 */
export type CompiledObjects = WeakMap<SelectedField, WeakMap<object, Map<number, CompiledObject>>>;

/**
 * Compiles selections of built types into SQL for one statement. The SQL of a field may depend only on the field (its
 * selections and arguments) and its scope, never on the request: a value from the request goes in as a parameter
 * (param()). That is what lets object() compile each field once.
 */
export class JsonBuild {
  /** How deep object() is: only the outermost call is remembered (it covers what it nests). */
  private nesting = 0;

  constructor(
    private readonly built: ReadonlyMap<string, SqlFields<never>>,
    readonly parameters: unknown[],
    readonly context: RequestContext,
    private readonly compiled: CompiledObjects = new WeakMap(),
  ) {}

  /** A placeholder for `value`, with an optional cast. */
  param(value: unknown, cast?: string): string {
    this.parameters.push(value);
    return `$${this.parameters.length}${cast ? `::${cast}` : ''}`;
  }

  /** The JSON text of what `field` selects on its (built) type, in response order, read from `scope`. */
  object(field: SelectedField, scope: unknown): string {
    const type = getNamedType(field.type as GraphQLOutputType);
    const fields = this.built.get(type.name) ?? notDirect(`${type.name} is not built in SQL`);
    if (this.nesting > 0 || typeof scope !== 'object' || scope === null) return this.objectWith(field, scope as never, fields);
    // Weak by scope too: a root that gave a new scope object for every request would otherwise grow the field's entry.
    let byScope = this.compiled.get(field);
    if (!byScope) this.compiled.set(field, (byScope = new WeakMap()));
    let byStart = byScope.get(scope);
    if (!byStart) byScope.set(scope, (byStart = new Map()));
    const start = this.parameters.length;
    let compiled = byStart.get(start);
    if (compiled) {
      this.parameters.push(...compiled.parameters);
      return compiled.sql;
    }
    this.nesting++;
    try {
      compiled = { sql: this.objectWith(field, scope as never, fields), parameters: this.parameters.slice(start) };
    } finally {
      this.nesting--;
    }
    byStart.set(start, compiled);
    return compiled.sql;
  }

  /** As object(), with the given field table (for a type whose SQL depends on where it sits, as PageInfo does). */
  objectWith<S>(field: SelectedField, scope: S, fields: SqlFields<S>): string {
    const type = getNamedType(field.type as GraphQLOutputType);
    // Literal text and SQL values in turn; neighbouring literals are joined, so `{"a":` is one literal, not three.
    const parts: string[] = [];
    let literal = '{';
    childrenOf(field).forEach((child, index) => {
      literal += `${index ? ',' : ''}${JSON.stringify(child.alias)}:`;
      if (child.name === '__typename') {
        literal += JSON.stringify(type.name);
        return;
      }
      const build = Object.hasOwn(fields, child.name) ? fields[child.name] : notDirect(`no SQL for ${type.name}.${child.name}`);
      parts.push(sqlText(literal), jsonOf(build(scope, child, this), getNamedType(child.type as GraphQLOutputType)));
      literal = '';
    });
    parts.push(sqlText(`${literal}}`));
    return `(${parts.join(' || ')})`;
  }
}

/** The SQL of a field's JSON text, from what its SqlField gave. */
function jsonOf(value: string | JsonText, type: GraphQLNamedType): string {
  if (value instanceof JsonText) return value.sql;
  if (!isLeafType(type)) return `coalesce(${value}, 'null')`;
  return type.name === 'Int' || type.name === 'Boolean' ? jsonIntegerOrBooleanSql(value) : jsonValueSql(value);
}

/** JSON text PostgreSQL built in its response form (JsonBuild): it goes into the response as it is. */
export class BuiltJson {
  constructor(readonly text: string) {}
}

/** Getters for fields that are plain properties of the source object, named as the GraphQL field. */
export function properties<S extends object>(...names: (keyof S & string)[]): DirectFields<S> {
  return Object.fromEntries(names.map((name) => [name, (source: S) => source[name]]));
}

/** Connection, edge and page info types of a node type, read off the objects shared/pagination.ts builds. */
export function connectionFields(nodeName: string): Record<string, DirectFields<never>> {
  return {
    [`${nodeName}Connection`]: properties<ConnectionBase<unknown>>('edges', 'pageInfo', 'totalCount'),
    [`${nodeName}Edge`]: properties<Edge<unknown>>('cursor', 'node'),
    PageInfo: properties<PageInfo>('hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor'),
  };
}

/** The children of a selected field, in the order the response lists them. */
export function childrenOf(field: SelectedField): SelectedField[] {
  const named = field.type && getNamedType(field.type);
  return named ? Object.values(field.fieldsByTypeName[named.name] ?? {}) : [];
}

export class DirectReads {
  private readonly roots = new Map<string, DirectRoot>();
  private readonly types = new Map<string, DirectFields<never>>();
  private readonly built = new Map<string, SqlFields<never>>();
  /** How full the remembered selections are (see QueryCacheBounds). */
  selectionsFill(): CacheFill {
    return fillOf(this.selections);
  }

  /** Queries answered here since start, for tests and the benchmark. */
  answered = 0;
  /** Direct reads that failed (and were answered by the executor) since start. */
  failed = 0;
  /**
   * What each query selects, collected and checked once, by query text (its hash), operation and variables; a
   * NotDirect remembers that the query is the executor's. Least recently used first out past the bound, and the SQL
   * compiled for a selection (weakly keyed by it) goes with it. Lists paged by cursor make new variables for every page.
   */
  private readonly selections: LRUCache<string, Record<string, SelectedField> | NotDirect>;
  private readonly compiled: CompiledObjects = new WeakMap();

  constructor(
    private readonly schema: GraphQLSchema,
    specs: DirectReadsSpec[],
    private readonly log: Logger,
    maxRemembered: number,
  ) {
    this.selections = boundedCache(maxRemembered);
    for (const spec of specs) {
      for (const [name, root] of Object.entries(spec.roots)) this.roots.set(name, root);
      for (const [name, fields] of Object.entries(spec.types)) this.types.set(name, { ...this.types.get(name), ...fields });
      for (const [name, fields] of Object.entries(spec.built ?? {})) this.built.set(name, { ...this.built.get(name), ...fields });
    }
  }

  plugin(): ApolloServerPlugin<RequestContext> {
    return {
      requestDidStart: async () => ({
        responseForOperation: async (requestContext) => {
          const data = await this.answer(requestContext);
          if (!data) return null;
          this.answered++;
          // A mark on the data itself, not a WeakSet of answered data: with an entry per request, the weak set let the
          // gateway's heap grow to 360-580 MB in 11 of 35 front-page loads of 13 s; with the mark, none of 18 did.
          Object.defineProperty(data, ANSWERED_HERE, { value: true });
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data } } };
        },
      }),
    };
  }

  /**
   * Apollo's `stringifyResult`: as Apollo's own (JSON.stringify and a newline), except that a response answered here
   * has its built texts written as they are.
   */
  readonly stringifyResult = (result: FormattedExecutionResult): string =>
    `${result.data && Object.hasOwn(result.data, ANSWERED_HERE) ? writeJson(result) : JSON.stringify(result)}\n`;

  /** The query's data, or null when the executor should answer it. */
  private async answer(requestContext: GraphQLRequestContextResponseForOperation<RequestContext>): Promise<Record<string, unknown> | null> {
    const { operation, contextValue } = requestContext;
    // No operation resolved: requestGuards() answers that as the client's mistake before this runs.
    if (operation?.operation !== 'query' || !this.mayAnswer(operation.selectionSet)) return null;
    const pending: Promise<void>[] = [];
    try {
      const queryType = this.schema.getQueryType() as GraphQLObjectType;
      const selected = this.selectionsOf(requestContext);
      const data: Record<string, unknown> = Object.create(null);
      // Every root runs to its end (none is left behind reading while the executor starts over).
      const roots = await Promise.allSettled(
        Object.values(selected).map(async (field) => {
          if (field.name === '__typename') return void (data[field.alias] = queryType.name);
          const root = this.roots.get(field.name) as DirectRoot;
          data[field.alias] = null;
          const value = await root(field.args, field, contextValue, (parameters) => new JsonBuild(this.built, parameters, contextValue, this.compiled));
          data[field.alias] = this.complete(value, field.type as GraphQLOutputType, field, contextValue, pending);
        }),
      );
      const failed = roots.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      // Values read only when asked for (totalCount) arrive here; each may add more.
      while (pending.length) await Promise.all(pending.splice(0));
      return data;
    } catch (error) {
      if (error instanceof NotDirect) {
        this.log.debug({ why: error.message, operation: requestContext.operationName }, 'left to the executor');
      } else {
        // A failure, not a choice: the executor tries again (and reports it if it fails too).
        this.failed++;
        this.log.warn({ err: error, operation: requestContext.operationName }, 'direct read failed; the executor answers instead');
      }
      return null;
    } finally {
      // Values still being read when another part failed: nobody waits for them any more.
      for (const promise of pending) promise.catch(() => undefined);
    }
  }

  /**
   * The root fields the operation selects, collected and checked (everything is checked before anything is read, so
   * an unsupported query costs no statement), remembered for its document, operation and variables. Throws NotDirect.
   */
  private selectionsOf({ document, queryHash, operation, operationName, request }: GraphQLRequestContextResponseForOperation<RequestContext>): Record<string, SelectedField> {
    const variables = JSON.stringify(request.variables ?? {});
    const key = `${queryHash}\n${operationName ?? ''}\n${variables}`;
    let selected = this.selections.get(key);
    if (!selected) {
      try {
        const variables = getVariableValues(this.schema, operation.variableDefinitions ?? [], request.variables ?? {});
        if (variables.errors) notDirect('invalid variables');
        const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
        for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
        selected = this.collect(this.schema.getQueryType() as GraphQLObjectType, operation.selectionSet, fragments, variables.coerced, Object.create(null));
        for (const field of Object.values(selected)) {
          if (field.name === '__typename') continue;
          if (!this.roots.has(field.name)) notDirect(`no direct read of Query.${field.name}`);
          this.check(field);
        }
      } catch (error) {
        if (!(error instanceof NotDirect)) throw error;
        selected = error;
      }
      if (variables.length <= MAX_REMEMBERED_VARIABLES_LENGTH) this.selections.set(key, selected);
    }
    if (selected instanceof NotDirect) throw selected;
    return selected;
  }

  /** False when a root field of the operation has no direct read: most queries are told apart without collecting. */
  private mayAnswer(selectionSet: SelectionSetNode): boolean {
    return selectionSet.selections.every((node) => node.kind !== Kind.FIELD || node.name.value === '__typename' || this.roots.has(node.name.value));
  }

  /** The fields a selection set selects on `type`, keyed by response key, as graphql-js collects them. */
  private collect(
    type: GraphQLObjectType,
    selectionSet: SelectionSetNode,
    fragments: Record<string, FragmentDefinitionNode>,
    variables: Record<string, unknown>,
    into: Record<string, SelectedField>,
  ): Record<string, SelectedField> {
    for (const node of selectionSet.selections) {
      if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) continue;
      if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) continue;
      if (node.kind === Kind.FIELD) {
        const name = node.name.value;
        const alias = node.alias?.value ?? name;
        let field = into[alias];
        if (!field) {
          if (name === '__typename') {
            into[alias] = { name, alias, args: {}, type: null, fieldsByTypeName: {} };
            continue;
          }
          const definition = type.getFields()[name] ?? notDirect(`${type.name}.${name} is not a field`);
          const named = getNamedType(definition.type);
          field = into[alias] = {
            name,
            alias,
            args: getArgumentValues(definition, node, variables) as ResolveTree['args'],
            type: definition.type,
            // No prototype: a response key may be any GraphQL name, "constructor" and "toString" included.
            fieldsByTypeName: isLeafType(named) ? {} : { [named.name]: Object.create(null) },
          };
        }
        if (node.selectionSet) {
          const named = getNamedType(field.type as GraphQLOutputType);
          if (!isObjectType(named)) notDirect(`${named.name} is abstract`);
          this.collect(named, node.selectionSet, fragments, variables, field.fieldsByTypeName[named.name]);
        }
      } else {
        const fragment = node.kind === Kind.INLINE_FRAGMENT ? node : (fragments[node.name.value] ?? notDirect(`no fragment ${node.name.value}`));
        if (!this.applies(fragment.typeCondition?.name.value, type)) continue;
        this.collect(type, fragment.selectionSet, fragments, variables, into);
      }
    }
    return into;
  }

  private applies(typeCondition: string | undefined, type: GraphQLObjectType): boolean {
    if (!typeCondition || typeCondition === type.name) return true;
    const condition = this.schema.getType(typeCondition);
    return condition !== undefined && isAbstractType(condition) && this.schema.isSubType(condition, type);
  }

  /** Throws NotDirect unless every field `field` selects has a getter; notes each one's getter and children. */
  private check(field: SelectedField): void {
    const named = getNamedType(field.type as GraphQLOutputType);
    if (isLeafType(named)) return;
    const getters = this.types.get(named.name);
    // Built types are checked as their SQL is compiled, still before any statement runs.
    if (!getters && this.built.has(named.name)) return;
    if (!getters) notDirect(`no direct reads of ${named.name}`);
    field.children = childrenOf(field);
    for (const child of field.children) {
      if (child.name === '__typename') continue;
      child.read = Object.hasOwn(getters, child.name) ? getters[child.name] : notDirect(`no direct read of ${named.name}.${child.name}`);
      this.check(child);
    }
  }

  /** A value in its response form, as graphql-js's completeValue makes it (a built text stays a BuiltJson). */
  private complete(value: unknown, type: GraphQLOutputType, field: SelectedField, context: RequestContext, pending: Promise<void>[]): unknown {
    if (isNonNullType(type)) {
      const completed = this.complete(value, type.ofType, field, context, pending);
      // The executor would report an error here: let it.
      return completed === null ? notDirect(`null for non-null ${field.name}`) : completed;
    }
    if (value == null) return null;
    if (value instanceof BuiltJson) return value;
    if (isListType(type)) {
      if (!Array.isArray(value)) notDirect(`${field.name} is not a list`);
      return value.map((item) => this.complete(item, type.ofType, field, context, pending));
    }
    if (isLeafType(type)) return type.serialize(value) ?? null;
    const result: Record<string, unknown> = Object.create(null);
    for (const child of field.children as SelectedField[]) {
      if (child.name === '__typename') {
        result[child.alias] = (type as GraphQLObjectType).name;
        continue;
      }
      const childValue = (child.read as FieldGetter<unknown>)(value, child.args, context);
      if (childValue instanceof Promise) {
        result[child.alias] = null;
        pending.push(childValue.then((resolved) => void (result[child.alias] = this.complete(resolved, child.type as GraphQLOutputType, child, context, pending))));
      } else {
        result[child.alias] = this.complete(childValue, child.type as GraphQLOutputType, child, context, pending);
      }
    }
    return result;
  }
}

/**
 * JSON.stringify() of a response whose BuiltJson values are JSON text already, written as they are. The pieces are
 * joined once at the end: joining at every level would copy the articles' texts once per level.
 */
function writeJson(value: unknown): string {
  const pieces: string[] = [];
  writeInto(value, pieces);
  return pieces.join('');
}

/** Adds `value`'s JSON to `pieces`; false (and nothing added) for undefined, which an object leaves out. */
function writeInto(value: unknown, pieces: string[]): boolean {
  if (value instanceof BuiltJson) {
    pieces.push(value.text);
  } else if (Array.isArray(value)) {
    pieces.push('[');
    value.forEach((item, index) => {
      if (index) pieces.push(',');
      if (!writeInto(item, pieces)) pieces.push('null');
    });
    pieces.push(']');
  } else if (value !== null && typeof value === 'object') {
    pieces.push('{');
    let first = true;
    for (const [key, member] of Object.entries(value)) {
      // As JSON.stringify, members it cannot write are left out.
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      pieces.push(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
      first = false;
      writeInto(member, pieces);
    }
    pieces.push('}');
  } else {
    // Strings, numbers, booleans and null as JSON.stringify writes them.
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) return false;
    pieces.push(text);
  }
  return true;
}
