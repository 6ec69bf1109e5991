import { Role } from '../../src/auth/role';
import { CommentStatus } from '../../src/comment/comment.entity';
import { CommentVisibleSubtrees1796397543295 } from '../../src/db/migrations/1796397543295-CommentVisibleSubtrees';
import { useTestApp } from '../setup/harness';

/**
 * The comment counts the database keeps (article_comment_count, comment.reply_count; migration CommentCounts) must
 * always equal a count made from scratch: after every kind of change, after many changes at once, and when many
 * transactions change one article's comments at the same time.
 */
const { t, f } = useTestApp();

/** Every kept count that differs from a count made now, from the comments themselves (empty when all agree). */
async function countsThatDisagree(): Promise<unknown[]> {
  // Written here independently of the trigger: a comment is visible when it and every comment above it are approved
  // (what a reader can reach, from the article's top-level comments down through approved replies).
  const articles = await t.app.dataSource.query(`
    WITH RECURSIVE "reachable" AS (
      SELECT "c"."id", "c"."article_id", "c"."parent_id" FROM "comment" "c" WHERE "c"."parent_id" IS NULL AND "c"."status" = 'APPROVED'
      UNION ALL
      SELECT "r"."id", "r"."article_id", "r"."parent_id" FROM "comment" "r" JOIN "reachable" "p" ON "p"."id" = "r"."parent_id" AND "p"."article_id" = "r"."article_id"
      WHERE "r"."status" = 'APPROVED'
    )
    SELECT "a"."id", coalesce("n"."visible", 0) AS "kept_visible", coalesce("n"."top_level", 0) AS "kept_top_level", "counted"."visible", "counted"."top_level"
    FROM "article" "a"
    LEFT JOIN "article_comment_count" "n" ON "n"."article_id" = "a"."id"
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS "visible", count(*) FILTER (WHERE "v"."parent_id" IS NULL)::int AS "top_level"
      FROM "reachable" "v" WHERE "v"."article_id" = "a"."id"
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

/** One level of a thread and, `levels` deep, the replies under it (as far as COMMENT_MAX_DEPTH allows). */
function threadLevel(levels: number): string {
  return levels === 0 ? 'id replyCount' : `id replyCount replies(first: 3) { totalCount edges { node { ${threadLevel(levels - 1)} } } }`;
}
const WHOLE_THREAD = `query ($id: ID) { article(id: $id) { commentCount comments(first: 10) { totalCount edges { node { ${threadLevel(5)} } } } } }`;

interface ThreadNode {
  id: string;
  replyCount: number;
  replies?: { totalCount: number; edges: { node: ThreadNode }[] };
}

/**
 * What a reader sees of the article: its commentCount, and the ids of every comment the public thread shows at any
 * depth. Each comment's replyCount must match its replies' totalCount and the replies shown, and the thread's
 * totalCount its top-level comments.
 */
async function readerView(articleId: string): Promise<{ commentCount: number; shown: string[] }> {
  const response = await t.gql(WHOLE_THREAD, { id: articleId });
  expect(response.body.errors).toBeUndefined();
  const article = response.body.data?.article;
  const shown: string[] = [];
  const walk = (nodes: ThreadNode[]) => {
    for (const node of nodes) {
      shown.push(node.id);
      if (!node.replies) continue;
      expect(node.replies.totalCount).toBe(node.replyCount);
      expect(node.replies.edges).toHaveLength(node.replyCount);
      walk(node.replies.edges.map((edge) => edge.node));
    }
  };
  const top = article.comments.edges.map((edge: { node: ThreadNode }) => edge.node);
  expect(article.comments.totalCount).toBe(top.length);
  walk(top);
  return { commentCount: article.commentCount, shown: shown.sort() };
}

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
    // The parent taken down: its replies stop counting (though still approved), and so does the reply to a reply.
    await setStatus([top.id], CommentStatus.TRASH);
    expect(await countsThatDisagree()).toEqual([]);
    thread = (await t.gql(THREAD, { id: a.id })).body.data?.article;
    expect(thread).toEqual({ commentCount: 0, comments: { totalCount: 0, edges: [] } });
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

  it('hide the whole subtree of a comment taken down, at any depth and through every change, until it is shown again', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const article = await f.makeArticle();
    // A top-level comment with a chain of replies COMMENT_MAX_DEPTH (5) deep, and six more comments around it: 12.
    const chain = [await f.makeComment(article)];
    for (let depth = 1; depth <= 5; depth++) chain.push(await f.makeComment(article, { parent: chain[depth - 1] }));
    const [other, another] = [await f.makeComment(article), await f.makeComment(article)];
    const otherReply = await f.makeComment(article, { parent: other });
    const otherNested = await f.makeComment(article, { parent: otherReply });
    const extra = [await f.makeComment(article, { parent: another }), await f.makeComment(article, { parent: other })];
    const all = [...chain, other, another, otherReply, otherNested, ...extra];
    const without = (...hidden: { id: string }[]) => all.filter((comment) => !hidden.some((h) => h.id === comment.id)).map((comment) => comment.id).sort();

    /** The kept counts agree with a count from scratch, and the reader sees exactly `shown`, as many as commentCount says. */
    const expectReaderSees = async (shown: string[]) => {
      expect(await countsThatDisagree()).toEqual([]);
      expect(await readerView(article.id)).toEqual({ commentCount: shown.length, shown: [...shown].sort() });
    };
    const moderate = async (comment: { id: string }, action: string) => {
      const response = await t.gql(`mutation ($id: ID!, $action: ModerationAction!) { moderateComment(id: $id, action: $action) { status } }`, { id: comment.id, action }, headers);
      expect(response.body.errors).toBeUndefined();
    };
    const setStatus = (comment: { id: string }, status: CommentStatus) => t.app.dataSource.query(`UPDATE "comment" SET "status" = $2 WHERE "id" = $1`, [comment.id, status]);

    await expectReaderSees(without());
    expect(all).toHaveLength(12);
    // The case: the top comment trashed takes its whole chain with it; 12 -> 6.
    await moderate(chain[0], 'TRASH');
    await expectReaderSees(without(...chain));
    expect((await readerView(article.id)).commentCount).toBe(6);
    // Restored to the queue it is still hidden (pending); approved again, all 12 are back.
    await moderate(chain[0], 'RESTORE');
    await expectReaderSees(without(...chain));
    await moderate(chain[0], 'APPROVE');
    await expectReaderSees(without());

    // Every status that hides, at a middle depth, and back.
    for (const status of [CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.TRASH]) {
      await setStatus(chain[2], status);
      await expectReaderSees(without(...chain.slice(2)));
      await setStatus(chain[2], CommentStatus.APPROVED);
      await expectReaderSees(without());
    }
    // From one hiding status to another: still hidden.
    await moderate(chain[3], 'SPAM');
    await moderate(chain[3], 'TRASH');
    await expectReaderSees(without(...chain.slice(3)));
    // A hidden comment under another hidden one: showing the upper one shows only what is not hidden below it.
    await moderate(chain[0], 'SPAM');
    await expectReaderSees(without(...chain));
    await moderate(chain[0], 'APPROVE');
    await expectReaderSees(without(...chain.slice(3)));

    // Replies arriving under a hidden comment (approved at once, or approved later) stay hidden with it.
    const lateReply = await f.makeComment(article, { parent: chain[4] });
    const heldReply = await f.makeComment(article, { parent: chain[3], status: CommentStatus.PENDING });
    all.push(lateReply, heldReply);
    await expectReaderSees(without(...chain.slice(3), lateReply, heldReply));
    await moderate(heldReply, 'APPROVE');
    await expectReaderSees(without(...chain.slice(3), lateReply, heldReply));
    await moderate(chain[3], 'APPROVE');
    await expectReaderSees(without());

    // An edit of the text alone changes nothing; an edit that sends the comment back to moderation (as editMyComment
    // does) hides what is under it.
    await t.app.dataSource.query(`UPDATE "comment" SET "body" = 'Edited', "edited_at" = now() WHERE "id" = $1`, [chain[1].id]);
    await expectReaderSees(without());
    await t.app.dataSource.query(`UPDATE "comment" SET "body" = 'Edited again', "status" = 'PENDING' WHERE "id" = $1`, [chain[1].id]);
    await expectReaderSees(without(...chain.slice(1), lateReply, heldReply));
    await setStatus(chain[1], CommentStatus.APPROVED);
    await expectReaderSees(without());

    // A branch moved under a hidden comment is hidden with it, and shown again when moved back.
    await setStatus(another, CommentStatus.TRASH);
    await t.app.dataSource.query(`UPDATE "comment" SET "parent_id" = $2, "depth" = 1 WHERE "id" = $1`, [otherReply.id, another.id]);
    await expectReaderSees(without(another, extra[0], otherReply, otherNested));
    await t.app.dataSource.query(`UPDATE "comment" SET "parent_id" = $2, "depth" = 1 WHERE "id" = $1`, [otherReply.id, other.id]);
    await expectReaderSees(without(another, extra[0]));

    // Deleting a hidden comment (its replies go with it) changes no count; deleting a shown one removes its subtree.
    await t.app.dataSource.query(`DELETE FROM "comment" WHERE "id" = $1`, [another.id]);
    all.splice(all.indexOf(another), 1);
    all.splice(all.indexOf(extra[0]), 1);
    await expectReaderSees(without());
    await t.app.dataSource.query(`DELETE FROM "comment" WHERE "id" = $1`, [chain[2].id]);
    await expectReaderSees(without(...chain.slice(2), lateReply, heldReply));
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
  it('stay right when transactions change a deep chain at every level at the same time', async () => {
    const article = await f.makeArticle();
    const chain = [await f.makeComment(article)];
    for (let depth = 1; depth <= 5; depth++) chain.push(await f.makeComment(article, { parent: chain[depth - 1] }));
    const hiding = [CommentStatus.TRASH, CommentStatus.SPAM, CommentStatus.PENDING];
    // One statement each (as the moderation and posting services write): status changes at every depth, from shown to
    // hidden and back, and new replies under comments that are being hidden or shown.
    const writes = Array.from({ length: 48 }, (_, n) =>
      t.app.dataSource.transaction(async (manager) => {
        if (n % 8 !== 1) {
          await manager.query(`UPDATE "comment" SET "status" = $2 WHERE "id" = $1`, [chain[n % 6].id, n % 4 === 0 ? hiding[n % 3] : 'APPROVED']);
          return;
        }
        // At most three replies to a comment, as many as readerView() reads.
        const parent = chain[(n >> 3) % 5];
        await manager.query(
          `INSERT INTO "comment" ("article_id", "parent_id", "author_name", "author_email", "body", "status", "depth") VALUES ($1, $2, 'Reader', $3, 'Concurrent', 'APPROVED', $4)`,
          [article.id, parent.id, `deep${n}@example.com`, parent.depth + 1],
        );
      }),
    );
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(await countsThatDisagree()).toEqual([]);
    const { commentCount, shown } = await readerView(article.id);
    expect(commentCount).toBe(shown.length);
  });

  it('are counted again by the migration that made the rule, correcting counts kept under the old one', async () => {
    const migration = new CommentVisibleSubtrees1796397543295();
    const article = await f.makeArticle();
    const chain = [await f.makeComment(article)];
    for (let depth = 1; depth <= 5; depth++) chain.push(await f.makeComment(article, { parent: chain[depth - 1] }));
    await t.app.dataSource.transaction((manager) => migration.down(manager.queryRunner as never));
    try {
      // Under CommentCounts' rule, the chain below the trashed comment's first reply still counted: 6 -> 4, not 0.
      await t.app.dataSource.query(`UPDATE "comment" SET "status" = 'TRASH' WHERE "id" = $1`, [chain[0].id]);
      expect((await readerView(article.id)).commentCount).toBe(4);
    } finally {
      await t.app.dataSource.transaction((manager) => migration.up(manager.queryRunner as never));
    }
    expect(await countsThatDisagree()).toEqual([]);
    expect(await readerView(article.id)).toEqual({ commentCount: 0, shown: [] });
  });
});
