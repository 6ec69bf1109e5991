import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { Max, MaxLength, Min } from 'class-validator';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { badInput } from './errors';
import { isUuid } from './ids';

/**
 * Relay-style forward pagination shared by every list: `first` 1..100 (never silently clamped) and an opaque `after`.
 * Cursors are keyset positions, so a page is stable while articles are published ahead of it and ties on a timestamp
 * are broken by id.
 */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `How many items, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1, { message: 'first must be at least 1' })
  @Max(MAX_PAGE_SIZE, { message: `first must be at most ${MAX_PAGE_SIZE}` })
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  @MaxLength(500, { message: 'after is not a cursor returned by this API' })
  after?: string | null;
}

@ObjectType({ description: 'Where a page sits in its list.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => Boolean, { description: 'True when this page was asked for with `after`.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor: string | null;
}

/**
 * PostgreSQL's real (search ranks): 0, or a magnitude it can hold without overflow or underflow. A denormal such as
 * 1e-320 is finite in JavaScript but "out of range for type real".
 */
function isStorableReal(value: unknown): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const magnitude = Math.abs(value);
  return magnitude === 0 || (magnitude >= 1.1754944e-38 && magnitude <= 3.4028234e38);
}

/** A place in a ranked list (row_number(): a bigint from 1). */
function isRankPosition(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A date PostgreSQL can compare with: years 1 to 9999 (JavaScript accepts far more). */
function isStorableDate(value: string): boolean {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return false;
  const year = new Date(time).getUTCFullYear();
  return year >= 1 && year <= 9999;
}

/** A keyset position: the sort values of the last item seen, ending with its id. */
export type Keyset = readonly (string | number)[];

/**
 * Cursors are base64url JSON of [kind, ...sort values]. The kind names the list and its order, so a cursor from one
 * list (or ordering) cannot be replayed against another.
 */
export function encodeCursor(kind: string, position: Keyset): string {
  return Buffer.from(JSON.stringify([kind, ...position])).toString('base64url');
}

/** Decodes a cursor made by encodeCursor for this `kind`, checking each value's type; anything else is BAD_USER_INPUT. */
export function decodeCursor(cursor: string, kind: string, types: readonly CursorValueType[]): Keyset {
  const invalid = () => badInput('after is not a cursor returned by this API for this list', 'after');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== types.length + 1 || decoded[0] !== kind) throw invalid();
  const values = decoded.slice(1);
  types.forEach((type, index) => {
    const value: unknown = values[index];
    const ok =
      type === 'real'
        ? isStorableReal(value)
        : type === 'rank'
          ? isRankPosition(value)
          : typeof value === 'string' &&
            // A cursor is base64, so requestGuards() never sees a U+0000 inside it; PostgreSQL's text cannot hold one.
            !value.includes('\u0000') &&
            (type === 'string' || (type === 'date' && isStorableDate(value)) || (type === 'uuid' && isUuid(value)));
    if (!ok) throw invalid();
  });
  return values as Keyset;
}

/** What a cursor's value must be: each type is exactly what the statement it goes back into can take. */
export type CursorValueType = 'string' | 'real' | 'rank' | 'date' | 'uuid';

/**
 * The cursor of one kind of list: how to turn an item into a cursor, and an `after` argument back into the
 * position a service understands. Decoding checks everything, so a forged cursor is BAD_USER_INPUT, never a 500.
 */
export function keysetCursor<T, P>(
  kind: string,
  types: readonly CursorValueType[],
  positionOf: (item: T) => Keyset,
  fromKeyset: (values: Keyset) => P,
) {
  return {
    encode: (item: T): string => encodeCursor(kind, positionOf(item)),
    decode: (after: string | null | undefined): P | null => (after ? fromKeyset(decodeCursor(after, kind, types)) : null),
  };
}

/** The cursor of a list sorted by name with id as tie-breaker (authors, tags). */
export function nameCursor<T extends { name: string; id: string }>(kind: string) {
  return keysetCursor<T, { name: string; id: string }>(
    kind,
    ['string', 'uuid'],
    (item) => [item.name, item.id],
    ([name, id]) => ({ name: name as string, id: id as string }),
  );
}

/** The cursor of a ranked list (most viewed first, say): the rank of the last item seen. */
export function rankCursor<T extends { rank: number }>(kind: string) {
  return keysetCursor<T, number>(
    kind,
    ['rank'],
    (item) => [item.rank],
    ([rank]) => rank as number,
  );
}

/** Position in a list ordered by creation time, with id as tie-breaker. */
export interface CreatedPosition {
  createdAt: Date;
  id: string;
}

/** The cursor of a list ordered by creation time (either way; the list decides). */
export function createdCursor<T extends { createdAt: Date; id: string }>(kind: string) {
  return keysetCursor<T, CreatedPosition>(
    kind,
    ['date', 'uuid'],
    (item) => [item.createdAt.toISOString(), item.id],
    ([createdAt, id]) => ({ createdAt: new Date(createdAt as string), id: id as string }),
  );
}

/** A page as services return it: the items, and whether more follow. */
export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

/** Asks for one row more than the page so hasNextPage needs no second query. */
export function toPage<T>(rows: T[], first: number): Page<T> {
  return { items: rows.slice(0, first), hasNextPage: rows.length > first };
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** Fields shared by every connection; the node-typed edges live on each concrete connection class. */
@ObjectType({ simpleResolvers: true })
export abstract class ConnectionBase<T> {
  edges: Edge<T>[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  /** Counted only when the client asks for totalCount. */
  protected countTotal: () => Promise<number>;

  @Field(() => Int, { description: 'How many items the whole list holds.' })
  get totalCount(): Promise<number> {
    return this.countTotal();
  }

  /** Fills a connection from a page; `cursorOf` gives each node's cursor, `countTotal` runs only if asked. */
  static build<T, C extends ConnectionBase<T>>(
    this: new () => C,
    page: Page<T>,
    cursorOf: (node: T) => string,
    countTotal: () => Promise<number>,
    after: string | null | undefined,
  ): C {
    // Cursors are encoded only when read: most queries ask for pageInfo.endCursor, not for every edge's cursor.
    const edges = page.items.map((node) => ({
      node,
      get cursor() {
        return cursorOf(node);
      },
    }));
    return ConnectionBase.fromEdges.call(this, edges, page.hasNextPage, countTotal, after) as C;
  }

  /** Fills a connection from ready-made edges, for connections whose edges carry more than cursor and node. */
  static fromEdges<E extends Edge<unknown>, C extends ConnectionBase<unknown>>(
    this: new () => C,
    edges: E[],
    hasNextPage: boolean,
    countTotal: () => Promise<number>,
    after: string | null | undefined,
  ): C {
    const connection = new this();
    connection.edges = edges;
    const [firstEdge, lastEdge] = [edges[0], edges.at(-1)];
    // As the edges' cursors: encoded only if asked for (a front page has twenty comment connections nobody pages).
    connection.pageInfo = {
      hasNextPage,
      hasPreviousPage: Boolean(after),
      get startCursor() {
        return firstEdge?.cursor ?? null;
      },
      get endCursor() {
        return lastEdge?.cursor ?? null;
      },
    };
    connection.countTotal = countTotal;
    return connection;
  }
}

/** A connection that is not a GraphQL type of its own, for readers other than the executor (shared/direct-reads.ts). */
class PlainConnection<T> extends ConnectionBase<T> {}

/** ConnectionBase.build for a PlainConnection. */
export function plainConnection<T>(page: Page<T>, cursorOf: (node: T) => string, countTotal: () => Promise<number>, after: string | null | undefined): ConnectionBase<T> {
  return PlainConnection.build<T, PlainConnection<T>>(page, cursorOf, countTotal, after);
}

/**
 * Query cost of a paginated field: its items times what each item asks for. With graphql-query-complexity this makes
 * `first: 100` nested three deep cost a million, which the cost limit refuses before anything runs. A `first` outside
 * 1..100 is costed as the nearest bound, so argument validation (which runs later) reports it as BAD_USER_INPUT.
 */
export const paginatedComplexity =
  (defaultSize: number = DEFAULT_PAGE_SIZE, costPerItem = 0): ComplexityEstimator =>
  ({ args, childComplexity }) => {
    const requested = Number(args.first ?? defaultSize);
    const items = Number.isFinite(requested) ? Math.min(MAX_PAGE_SIZE, Math.max(1, requested)) : defaultSize;
    return 1 + items * (Math.max(1, childComplexity) + costPerItem);
  };

/** Declares `<Name>Edge` and `<Name>Connection` GraphQL types for a node type. */
export function connectionOf<T extends object>(name: string, nodeType: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class EdgeType implements Edge<T> {
    @Field(() => String, { description: 'Pass as `after` to continue after this item.' })
    cursor: string;

    @Field(() => nodeType)
    node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
  class ConnectionType extends ConnectionBase<T> {
    @Field(() => [EdgeType])
    override edges: Edge<T>[];
  }

  return ConnectionType;
}
