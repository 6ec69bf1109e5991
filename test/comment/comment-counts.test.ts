import { CommentStatus } from '../../src/comment/comment.entity';
import { useTestApp } from '../setup/harness';

/**
 * The comment counts the database keeps (article_comment_count, comment.reply_count; migration CommentCounts) must
 * always equal a count made from scratch: after every kind of change, after many changes at once, and when many
 * transactions change one article's comments at the same time.
 */
const { t, f } = useTestApp();

/** Every kept count that differs from a count made now, from the comments themselves (empty when all agree). */
async function countsThatDisagree(): Promise<unknown[]> {
  const articles = await t.app.dataSource.query(`
    SELECT "a"."id", coalesce("n"."visible", 0) AS "kept_visible", coalesce("n"."top_level", 0) AS "kept_top_level", "counted"."visible", "counted"."top_level"
    FROM "article" "a"
    LEFT JOIN "article_comment_count" "n" ON "n"."article_id" = "a"."id"
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE "v"."parent_id" IS NULL OR "vp"."status" = 'APPROVED')::int AS "visible",
             count(*) FILTER (WHERE "v"."parent_id" IS NULL)::int AS "top_level"
      FROM "comment" "v" LEFT JOIN "comment" "vp" ON "vp"."id" = "v"."parent_id"
      WHERE "v"."article_id" = "a"."id" AND "v"."status" = 'APPROVED'
    ) "counted"
    WHERE coalesce("n"."visible", 0) <> "counted"."visible" OR coalesce("n"."top_level", 0) <> "counted"."top_level"`);
  const comments = await t.app.dataSource.query(`
    SELECT "c"."id", "c"."reply_count" AS "kept", "counted"."n" AS "counted"
    FROM "comment" "c"
    CROSS JOIN LATERAL (SELECT count(*)::int AS "n" FROM "comment" "r" WHERE "r"."parent_id" = "c"."id" AND "r"."status" = 'APPROVED') "counted"
    WHERE "c"."reply_count" <> "counted"."n"`);
  return [...articles, ...comments];
}

const THREAD = `query ($id: ID) { article(id: $id) { commentCount comments(first: 10) { totalCount edges { node { id replyCount } } } } }`;

describe('kept comment counts', () => {
  it('follow posting, moderation (one and many, across articles), replies under hidden parents and deletion', async () => {
    const [a, b] = [await f.makeArticle(), await f.makeArticle()];
    const top = await f.makeComment(a);
    const replies = [await f.makeComment(a, { parent: top }), await f.makeComment(a, { parent: top }), await f.makeComment(a, { parent: top, status: CommentStatus.PENDING })];
    const nested = await f.makeComment(a, { parent: replies[0] });
    const other = await f.makeComment(b, { status: CommentStatus.PENDING });
    expect(await countsThatDisagree()).toEqual([]);
    let thread = (await t.gql(THREAD, { id: a.id })).body.data?.article;
    expect(thread).toEqual({ commentCount: 5 - 1, comments: { totalCount: 1, edges: [{ node: { id: top.id, replyCount: 2 } }] } });

    const setStatus = (ids: string[], status: CommentStatus) => t.app.dataSource.query(`UPDATE "comment" SET "status" = $2 WHERE "id" = ANY($1::uuid[])`, [ids, status]);
    // The parent taken down: its replies stop counting (though still approved); the reply to a reply still counts (its
    // own parent is approved).
    await setStatus([top.id], CommentStatus.TRASH);
    expect(await countsThatDisagree()).toEqual([]);
    thread = (await t.gql(THREAD, { id: a.id })).body.data?.article;
    expect(thread).toEqual({ commentCount: 1, comments: { totalCount: 0, edges: [] } });
    // Many at once, across both articles.
    await setStatus([top.id, replies[2].id, other.id], CommentStatus.APPROVED);
    expect(await countsThatDisagree()).toEqual([]);
    expect((await t.gql(THREAD, { id: a.id })).body.data?.article.comments.edges).toEqual([{ node: { id: top.id, replyCount: 3 } }]);
    expect((await t.gql(THREAD, { id: b.id })).body.data?.article.commentCount).toBe(1);
    // A reply deleted, then a parent deleted with its replies (ON DELETE CASCADE), then a whole article.
    await t.app.dataSource.query(`DELETE FROM "comment" WHERE "id" = $1`, [nested.id]);
    expect(await countsThatDisagree()).toEqual([]);
    await t.app.dataSource.query(`DELETE FROM "comment" WHERE "id" = $1`, [top.id]);
    expect(await countsThatDisagree()).toEqual([]);
    expect((await t.gql(THREAD, { id: a.id })).body.data?.article.commentCount).toBe(0);
    await t.app.dataSource.query(`DELETE FROM "article" WHERE "id" = $1`, [b.id]);
    expect(await countsThatDisagree()).toEqual([]);
    expect(await t.app.dataSource.query(`SELECT 1 FROM "article_comment_count" WHERE "article_id" = $1`, [b.id])).toEqual([]);
  });

  it('stay right, without deadlocks, when many transactions change one article’s comments at the same time', async () => {
    const article = await f.makeArticle();
    const parents = [await f.makeComment(article), await f.makeComment(article)];
    const replies = [await f.makeComment(article, { parent: parents[0] }), await f.makeComment(article, { parent: parents[1] })];
    const statusOf = (n: number) => (n % 4 < 2 ? 'APPROVED' : 'TRASH');
    // Each in its own transaction on its own connection (the pool has several), so they really interleave: new
    // comments and replies, and status changes of parents and of their replies at the same time (a writer holding a
    // reply's row while another holds its parent's must not deadlock on the counts).
    const writes = Array.from({ length: 40 }, (_, n) =>
      t.app.dataSource.transaction(async (manager) => {
        if (n % 4 === 1) {
          await manager.query(`UPDATE "comment" SET "status" = $2 WHERE "id" = $1`, [parents[n % 2].id, statusOf(n >> 2)]);
          return;
        }
        if (n % 4 === 3) {
          await manager.query(`UPDATE "comment" SET "status" = $2 WHERE "id" = $1`, [replies[n % 2].id, statusOf(n >> 2)]);
          return;
        }
        const [row] = (await manager.query(
          `INSERT INTO "comment" ("article_id", "parent_id", "author_name", "author_email", "body", "status", "depth")
           VALUES ($1, $2, 'Reader', $3, 'Concurrent', 'APPROVED', $4) RETURNING "id"`,
          [article.id, n % 3 === 0 ? null : parents[n % 2].id, `reader${n}@example.com`, n % 3 === 0 ? 0 : 1],
        )) as { id: string }[];
        if (n % 5 === 0) await manager.query(`UPDATE "comment" SET "status" = 'SPAM' WHERE "id" = $1`, [row.id]);
      }),
    );
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(await countsThatDisagree()).toEqual([]);
    const [kept] = await t.app.dataSource.query(`SELECT "visible", "top_level" FROM "article_comment_count" WHERE "article_id" = $1`, [article.id]);
    expect(kept.visible).toBeGreaterThan(0);
  });
});
