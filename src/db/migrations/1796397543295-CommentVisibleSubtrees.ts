import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Article.commentCount counts what a reader can see: a comment is shown when it and every comment above it are
 * approved (the thread is read from the top-level comments down through approved replies, so a reply under a comment
 * that moderation took down is out of reach, however deep). CommentCounts counted a reply when its own parent was
 * approved, so a chain under a trashed comment kept counting from its second level down. The rule now lives in one
 * function, comment_visible_count, which the trigger calls and which counts every article again here, correcting the
 * counts stored under the old rule. Locks, their order and what the trigger is fired by are unchanged.
 */
export class CommentVisibleSubtrees1796397543295 implements MigrationInterface {
    name = 'CommentVisibleSubtrees1796397543295'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // No comment is written while the counts are redone, so none is counted under the old rule after the recount.
        await queryRunner.query(`LOCK TABLE "comment" IN SHARE MODE`);
        // Walks down from the article's approved top-level comments through approved replies of the same article
        // (a reply belongs to its parent's article). STABLE: it reads with the snapshot of the statement that calls
        // it, which the trigger starts only after it holds the article's count row.
        await queryRunner.query(`CREATE OR REPLACE FUNCTION "comment_visible_count"("for_article" uuid) RETURNS integer LANGUAGE sql STABLE AS $fn$
    WITH RECURSIVE "shown" AS (
        SELECT "c"."id" FROM "comment" "c"
        WHERE "c"."article_id" = "for_article" AND "c"."parent_id" IS NULL AND "c"."status" = 'APPROVED'
        UNION ALL
        SELECT "r"."id" FROM "shown" "s" JOIN "comment" "r" ON "r"."parent_id" = "s"."id"
        WHERE "r"."article_id" = "for_article" AND "r"."status" = 'APPROVED'
    )
    SELECT count(*)::int FROM "shown"
$fn$`);
        await queryRunner.query(refreshFunctionSql(`"comment_visible_count"("n"."article_id")`));
        await queryRunner.query(`UPDATE "article_comment_count" "n" SET "visible" = "counted"."visible"
            FROM (SELECT "article_id", "comment_visible_count"("article_id") AS "visible" FROM "article_comment_count") "counted"
            WHERE "counted"."article_id" = "n"."article_id" AND "n"."visible" <> "counted"."visible"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`LOCK TABLE "comment" IN SHARE MODE`);
        await queryRunner.query(refreshFunctionSql(PARENT_APPROVED_COUNT));
        await queryRunner.query(`DROP FUNCTION "comment_visible_count"(uuid)`);
        await queryRunner.query(`UPDATE "article_comment_count" "n" SET "visible" = ${PARENT_APPROVED_COUNT}`);
    }

}

/** CommentCounts' rule, for down(): approved, and top-level or with an approved parent. */
const PARENT_APPROVED_COUNT = `(SELECT count(*) FROM "comment" "v"
                     WHERE "v"."article_id" = "n"."article_id" AND "v"."status" = 'APPROVED'
                       AND ("v"."parent_id" IS NULL OR EXISTS (SELECT 1 FROM "comment" "vp" WHERE "vp"."id" = "v"."parent_id" AND "vp"."status" = 'APPROVED')))`;

/**
 * comment_counts_refresh as CommentCounts made it, with `visibleSql` (of the count row "n") as the article's visible
 * count. Written out in full so this migration says exactly what the trigger runs after it. A status change anywhere
 * in a thread touches its article, whose visible count is then made again from the top: replies however deep under
 * the changed comment are counted, or not, with it.
 */
function refreshFunctionSql(visibleSql: string): string {
    return `CREATE OR REPLACE FUNCTION "comment_counts_refresh"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    "touched_articles" uuid[];
    "touched_parents" uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT "article_id"), array_agg(DISTINCT "parent_id") FILTER (WHERE "parent_id" IS NOT NULL)
            INTO "touched_articles", "touched_parents" FROM "new_rows";
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT "article_id"), array_agg(DISTINCT "parent_id") FILTER (WHERE "parent_id" IS NOT NULL)
            INTO "touched_articles", "touched_parents" FROM "old_rows";
    ELSE
        -- Only rows whose status or place changed: an edited text changes no count, and neither do the reply counts
        -- this function writes (so it does not run again for them).
        SELECT array_agg(DISTINCT "touched"."article_id"), array_agg(DISTINCT "touched"."parent_id") FILTER (WHERE "touched"."parent_id" IS NOT NULL)
            INTO "touched_articles", "touched_parents"
            FROM "old_rows" "o" JOIN "new_rows" "n" ON "n"."id" = "o"."id"
            CROSS JOIN LATERAL (VALUES ("o"."article_id", "o"."parent_id"), ("n"."article_id", "n"."parent_id")) AS "touched"("article_id", "parent_id")
            WHERE ("o"."status", "o"."parent_id", "o"."article_id") IS DISTINCT FROM ("n"."status", "n"."parent_id", "n"."article_id");
    END IF;
    IF "touched_articles" IS NULL THEN
        RETURN NULL;
    END IF;
    -- A parent deleted in this transaction (its replies deleted with it) is not found, and needs no count.
    PERFORM 1 FROM "comment" WHERE "id" = ANY("touched_parents") ORDER BY "id" FOR NO KEY UPDATE;
    -- Likewise an article deleted with its comments.
    INSERT INTO "article_comment_count" ("article_id")
        SELECT "a"."id" FROM "article" "a" WHERE "a"."id" = ANY("touched_articles") ORDER BY "a"."id"
        ON CONFLICT ("article_id") DO NOTHING;
    PERFORM 1 FROM "article_comment_count" WHERE "article_id" = ANY("touched_articles") ORDER BY "article_id" FOR UPDATE;
    UPDATE "article_comment_count" "n" SET
        "visible" = ${visibleSql},
        "top_level" = (SELECT count(*) FROM "comment" "v" WHERE "v"."article_id" = "n"."article_id" AND "v"."status" = 'APPROVED' AND "v"."parent_id" IS NULL)
    WHERE "n"."article_id" = ANY("touched_articles");
    IF "touched_parents" IS NOT NULL THEN
        UPDATE "comment" "p"
            SET "reply_count" = "counted"."n"
            FROM (SELECT "q"."id", (SELECT count(*) FROM "comment" "r" WHERE "r"."parent_id" = "q"."id" AND "r"."status" = 'APPROVED')::int AS "n"
                  FROM "comment" "q" WHERE "q"."id" = ANY("touched_parents")) "counted"
            WHERE "p"."id" = "counted"."id" AND "p"."reply_count" <> "counted"."n";
    END IF;
    RETURN NULL;
END
$fn$`;
}
