import { notDirect, plainString, type DirectReadsSpec, type JsonBuild, type SelectedField, type SqlFields } from '../shared/direct-reads';
import { isoTimestampSql } from '../db/json-sql';
import { MAX_PAGE_SIZE } from '../shared/pagination';
import type { Comment } from './comment.entity';
import { CommentFormat } from './comment-format';

/** Where a built thread comes from: the article whose approved top-level comments it pages. */
interface ThreadScope {
  articleIdSql: string;
  first: number;
}

/** SQL of the columns of one comment row. */
type CommentColumns = (property: keyof Comment & string) => string;

/**
 * An article's `comments` connection built in SQL, as threadConnection() answers it for the public (no viewer token)
 * first page. Cursors are left to the executor: a query that asks for them is not answered directly.
 */
export function threadSql(articleIdSql: string, field: SelectedField, json: JsonBuild): string {
  const { first, after, viewerToken } = field.args as { first?: unknown; after?: unknown; viewerToken?: unknown };
  // The same bounds ThreadArgs validates; anything else goes to the resolver, which reports it.
  if (after != null || viewerToken != null || !Number.isInteger(first) || (first as number) < 1 || (first as number) > MAX_PAGE_SIZE) {
    notDirect('not the first public page of a thread');
  }
  return json.object(field, { articleIdSql, first: first as number } satisfies ThreadScope);
}

/** A thread's page info (PageInfo's other uses are read in JavaScript). */
const threadPageInfo: SqlFields<ThreadScope> = {
  hasNextPage: ({ articleIdSql, first }, _field, json) => json.context.services.comments.threadHasMoreSql(articleIdSql, json.param(first, 'int')),
  // Only first pages are built.
  hasPreviousPage: () => 'false',
};

const commentConnection: SqlFields<ThreadScope> = {
  edges: ({ articleIdSql, first }, field, json) =>
    json.context.services.comments.threadBuiltSql(articleIdSql, json.param(first, 'int'), (column) => json.object(field, column)),
  pageInfo: (scope, field, json) => json.objectWith(field, scope, threadPageInfo),
  totalCount: ({ articleIdSql }, _field, json) => json.context.services.comments.visibleCountSql(articleIdSql, 'topLevel'),
};

const commentEdge: SqlFields<CommentColumns> = {
  node: (columns, field, json) => json.object(field, columns),
};

/**
 * A text column as CommentResolver gives it in `format`: TEXT is the column itself; HTML (paragraphs, links) is left to
 * the resolver, so its rules stay in one place (shared/html.ts).
 */
function textIn(field: SelectedField, columnSql: string): string {
  return (field.args as { format?: unknown }).format === CommentFormat.TEXT ? columnSql : notDirect('comment text as HTML');
}

const comment: SqlFields<CommentColumns> = {
  id: (column) => plainString(column('id')),
  authorName: (column, field) => textIn(field, column('authorName')),
  authorUrl: (column) => column('authorUrl'),
  body: (column, field) => textIn(field, column('body')),
  status: (column) => plainString(column('status')),
  depth: (column) => column('depth'),
  createdAt: (column) => plainString(isoTimestampSql(column('createdAt'))),
  editedAt: (column) => plainString(isoTimestampSql(column('editedAt'))),
  replyCount: (column) => column('replyCount'),
};

/** A public comment as a thread shows it, built in SQL; its replies, parent and cursors are left to the executor. */
export const commentDirectReads: DirectReadsSpec = {
  roots: {},
  types: {},
  built: { CommentConnection: commentConnection, CommentEdge: commentEdge, Comment: comment },
};
