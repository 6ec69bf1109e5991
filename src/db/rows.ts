import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { toPage, type CreatedPosition, type Page } from '../shared/pagination';

/**
 * Maps between an entity and hand-written SQL. Batched reads (top-N per group with LATERAL, ranked search) are
 * beyond TypeORM's QueryBuilder; this keeps their column lists and row mapping derived from the entity metadata, so a
 * new column needs no edit here.
 */
export class EntityRows<T extends object> {
  private readonly metadata: EntityMetadata;
  private readonly columns: { property: string; column: string; isDate: boolean }[];
  private readonly prototype: object;
  private readonly keysByAlias = new Map<string, { id: string; columns: { property: string; key: string }[] }>();

  constructor(dataSource: DataSource, entity: EntityTarget<T>) {
    this.metadata = dataSource.getMetadata(entity);
    this.prototype = (this.metadata.target as { prototype: object }).prototype;
    this.columns = this.metadata.columns
      .filter((column) => column.isSelect && !column.isVirtual)
      .map((column) => ({
        property: column.propertyName,
        column: column.databaseName,
        isDate: column.type === 'timestamptz' || column.type === 'timestamp' || column.type === Date,
      }));
  }

  /** A select list for table alias `alias`, each column named `<alias>_<column>`; `except` leaves properties out. */
  select(alias: string, except: readonly (keyof T & string)[] = []): string {
    return this.columns
      .filter(({ property }) => !except.includes(property as keyof T & string))
      .map(({ column }) => `"${alias}"."${column}" AS "${alias}_${column}"`)
      .join(', ');
  }

  /** The column of a property, as select(alias) names it: `"<alias>"."<column>"` on `from` (a table or subquery alias). */
  columnOf(from: string, alias: string | null, property: keyof T & string): string {
    const column = this.columns.find((candidate) => candidate.property === property) ?? notAColumn(this.metadata.name, property);
    return alias === null ? `"${from}"."${column.column}"` : `"${from}"."${alias}_${column.column}"`;
  }

  /** The same list for a RETURNING clause (no table qualifier), read back with read(row, alias). */
  returning(alias: string): string {
    return this.columns.map(({ column }) => `"${column}" AS "${alias}_${column}"`).join(', ');
  }

  /** Builds an entity from a row selected with select(alias), or null when the row's id is null (an empty outer join). */
  read(row: Record<string, unknown>, alias: string): T | null {
    const keys = this.keysFor(alias);
    if (row[keys.id] == null) return null;
    // A bare instance of the entity class: TypeORM's create() does far more work than a hot read path can afford.
    const entity = Object.create(this.prototype) as Record<string, unknown>;
    for (const { property, key } of keys.columns) {
      const value = row[key];
      if (value !== undefined) entity[property] = value;
    }
    return entity as T;
  }

  /** Row keys per alias, built once: this runs for every row of every list. */
  private keysFor(alias: string): { id: string; columns: { property: string; key: string }[] } {
    let keys = this.keysByAlias.get(alias);
    if (!keys) {
      keys = { id: `${alias}_id`, columns: this.columns.map(({ property, column }) => ({ property, key: `${alias}_${column}` })) };
      this.keysByAlias.set(alias, keys);
    }
    return keys;
  }

  /**
   * As read(), for a row that PostgreSQL built as JSON (row_to_json of a select(alias) list): JSON carries
   * timestamps as strings, so those become Dates again.
   */
  readJson(row: Record<string, unknown>, alias: string): T {
    const entity = this.require(row, alias) as Record<string, unknown>;
    for (const { property, isDate } of this.columns) {
      if (isDate && typeof entity[property] === 'string') entity[property] = new Date(entity[property] as string);
    }
    return entity as T;
  }

  /** As read(), for rows that must hold the entity. */
  require(row: Record<string, unknown>, alias: string): T {
    const entity = this.read(row, alias);
    if (!entity) throw new Error(`Row has no ${this.metadata.name} under alias "${alias}"`);
    return entity;
  }
}

/** Groups rows by a key column, keeping row order: the shape a DataLoader batch needs. */
export function groupRows<R extends Record<string, unknown>, V>(rows: R[], keyColumn: string, toValue: (row: R) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const row of rows) {
    const key = String(row[keyColumn]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(toValue(row));
  }
  return groups;
}

/** Position in a list sorted by name, with id as tie-breaker (authors, tags). */
export interface NamePosition {
  name: string;
  id: string;
}

/** One page of a repository's rows in name order, after `after`. */
export async function pageByName<T extends NamePosition>(repository: Repository<T>, first: number, after: NamePosition | null): Promise<Page<T>> {
  const query = repository.createQueryBuilder('row').orderBy('row.name', 'ASC').addOrderBy('row.id', 'ASC').limit(first + 1);
  if (after) query.where('(row.name, row.id) > (:name, :id)', { name: after.name, id: after.id });
  return toPage(await query.getMany(), first);
}

/**
 * One page of `query`'s rows (an entity with createdAt and id, filters already applied) in creation order, newest or
 * oldest first, id as tie-breaker, after `after`.
 */
export async function pageByCreated<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  order: 'NEWEST_FIRST' | 'OLDEST_FIRST',
  first: number,
  after: CreatedPosition | null,
): Promise<Page<T>> {
  const row = query.alias;
  const direction = order === 'NEWEST_FIRST' ? 'DESC' : 'ASC';
  query.orderBy(`${row}.createdAt`, direction).addOrderBy(`${row}.id`, direction).limit(first + 1);
  if (after) {
    const comparison = direction === 'DESC' ? '<' : '>';
    query.andWhere(`(${row}.createdAt, ${row}.id) ${comparison} (:afterCreatedAt, :afterId)`, { afterCreatedAt: after.createdAt, afterId: after.id });
  }
  return toPage(await query.getMany(), first);
}

function notAColumn(entity: string, property: string): never {
  throw new Error(`${entity}.${property} is not a selected column`);
}
