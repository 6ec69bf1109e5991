import { Role } from '../../src/auth/role';
import { CommentStatus } from '../../src/comment/comment.entity';
import { errorCodes, everyNode, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

const QUEUE = `query ($status: CommentStatus, $articleId: ID) {
  commentsForModeration(status: $status, articleId: $articleId) { totalCount edges { node { id authorName authorEmail body status articleTitle } } }
}`;
const ONE = `mutation ($id: ID!, $action: ModerationAction!) { moderateComment(id: $id, action: $action) { id status } }`;
const MANY = `mutation ($ids: [ID!]!, $action: ModerationAction!) { moderateComments(ids: $ids, action: $action) { id status } }`;
const PUBLIC = `query ($id: ID) { article(id: $id) { commentCount comments { edges { node { id } } } } }`;

describe('moderation', () => {
  it('shows editors the queue with e-mail addresses, oldest first', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const article = await f.makeArticle({ title: 'Rail deal' });
    const older = await f.makeComment(article, { status: CommentStatus.PENDING, authorEmail: 'first@example.com', createdAt: new Date(Date.now() - 60_000) });
    const newer = await f.makeComment(article, { status: CommentStatus.PENDING, authorEmail: 'second@example.com' });
    await f.makeComment(article, { status: CommentStatus.APPROVED });
    const queue = (await t.gql(QUEUE, {}, headers)).body.data?.commentsForModeration;
    expect(queue.totalCount).toBe(2);
    expect(queue.edges.map((edge: any) => [edge.node.id, edge.node.authorEmail, edge.node.articleTitle])).toEqual([
      [older.id, 'first@example.com', 'Rail deal'],
      [newer.id, 'second@example.com', 'Rail deal'],
    ]);
  });

  it('makes an approved comment and its count visible at once; spam and trash hide it; restore queues it again', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const article = await f.makeArticle();
    const comment = await f.makeComment(article, { status: CommentStatus.PENDING });
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article.commentCount).toBe(0);
    expect((await t.gql(ONE, { id: comment.id, action: 'APPROVE' }, headers)).body.data?.moderateComment).toEqual({ id: comment.id, status: 'APPROVED' });
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article).toEqual({ commentCount: 1, comments: { edges: [{ node: { id: comment.id } }] } });
    expect((await t.gql(ONE, { id: comment.id, action: 'SPAM' }, headers)).body.data?.moderateComment.status).toBe('SPAM');
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article.commentCount).toBe(0);
    expect((await t.gql(ONE, { id: comment.id, action: 'RESTORE' }, headers)).body.data?.moderateComment.status).toBe('PENDING');
  });

  it('moderates many at once, all or nothing', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const article = await f.makeArticle();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await f.makeComment(article, { status: CommentStatus.PENDING })).id);
    const withUnknown = await t.gql(MANY, { ids: [...ids, '00000000-0000-4000-8000-000000000000'], action: 'APPROVE' }, headers);
    expect(errorCodes(withUnknown)).toEqual(['NOT_FOUND']);
    expect(await t.app.dataSource.query(`SELECT DISTINCT "status" FROM "comment"`)).toEqual([{ status: 'PENDING' }]);
    const all = await t.gql(MANY, { ids, action: 'APPROVE' }, headers);
    expect(all.body.data?.moderateComments.map((comment: any) => comment.status)).toEqual(Array(5).fill('APPROVED'));
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article.commentCount).toBe(5);
    const audits = await t.app.dataSource.query(
      `SELECT "subject_type", "subject_id", "actor_role", "before", "after" FROM "audit_entry" WHERE "action" = 'comment.moderate' ORDER BY "subject_id"`,
    );
    expect(audits).toEqual(
      [...ids].sort().map((id) => ({ subject_type: 'comment', subject_id: id, actor_role: 'EDITOR', before: { status: 'PENDING' }, after: { status: 'APPROVED', action: 'APPROVE' } })),
    );
    // The five share one instant (one transaction): paging the log newest first must break the tie by id.
    const admin = await t.staff(Role.ADMIN);
    const expected: { id: string }[] = await t.app.dataSource.query(`SELECT "id" FROM "audit_entry" ORDER BY "created_at" DESC, "id" DESC`);
    const seen = await everyNode(t, `query ($after: String) { auditLog(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`, (data) => data.auditLog, { headers: admin.headers });
    expect(seen).toEqual(expected);
  });

  it('refuses more than 100 ids and an empty list', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const tooMany = Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(errorCodes(await t.gql(MANY, { ids: tooMany, action: 'TRASH' }, headers))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.gql(MANY, { ids: [], action: 'TRASH' }, headers))).toEqual(['BAD_USER_INPUT']);
  });
});
