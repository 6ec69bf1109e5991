import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Comment counts kept by the database (ArticleCommentCount, Comment.replyCount): counted once here, then counted again
 * by the trigger after every statement that inserts or deletes comments or changes their status or place, for the
 * articles and parent comments that statement touched.
 */
export class CommentCounts1795851415294 implements MigrationInterface {
    name = 'CommentCounts1795851415294'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "article_comment_count" ("article_id" uuid NOT NULL, "visible" integer NOT NULL DEFAULT '0', "top_level" integer NOT NULL DEFAULT '0', CONSTRAINT "article_comment_count_pkey" PRIMARY KEY ("article_id"))`);
        await queryRunner.query(`ALTER TABLE "comment" ADD "reply_count" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "article_comment_count" ADD CONSTRAINT "article_comment_count_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // Visible: approved, and top-level or under an approved comment (a reply under a comment taken down is hidden).
        await queryRunner.query(`INSERT INTO "article_comment_count" ("article_id", "visible", "top_level")
            SELECT "v"."article_id", count(*) FILTER (WHERE "v"."parent_id" IS NULL OR "vp"."status" = 'APPROVED'), count(*) FILTER (WHERE "v"."parent_id" IS NULL)
            FROM "comment" "v" LEFT JOIN "comment" "vp" ON "vp"."id" = "v"."parent_id"
            WHERE "v"."status" = 'APPROVED'
            GROUP BY "v"."article_id"`);
        await queryRunner.query(`UPDATE "comment" "c" SET "reply_count" = "r"."n"
            FROM (SELECT "parent_id", count(*)::int AS "n" FROM "comment" WHERE "status" = 'APPROVED' AND "parent_id" IS NOT NULL GROUP BY "parent_id") "r"
            WHERE "c"."id" = "r"."parent_id"`);
        // Counting again (not adding and subtracting) keeps the rules in one place. Each count is made in a statement
        // that starts after the rows it writes are locked, so it sees every change committed before it (READ COMMITTED,
        // the application's level: a fresh snapshot per statement; under REPEATABLE READ a concurrent change makes the
        // later transaction fail with a serialization error instead of counting wrong). Locks, always in this order:
        // the parents whose reply counts change (in id order), then the articles' count rows (in id order). The
        // statement that fires the trigger already holds its own rows; a writer of a parent (holding it) never waits
        // for anything a writer of its reply holds before the parent, so the two cannot deadlock. A reply belongs to
        // its parent's article (CommentPostingService checks it).
        await queryRunner.query(`CREATE FUNCTION "comment_counts_refresh"() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
        "visible" = (SELECT count(*) FROM "comment" "v"
                     WHERE "v"."article_id" = "n"."article_id" AND "v"."status" = 'APPROVED'
                       AND ("v"."parent_id" IS NULL OR EXISTS (SELECT 1 FROM "comment" "vp" WHERE "vp"."id" = "v"."parent_id" AND "vp"."status" = 'APPROVED'))),
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
$fn$`);
        await queryRunner.query(`CREATE TRIGGER "comment_counts_after_insert" AFTER INSERT ON "comment" REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "comment_counts_refresh"()`);
        await queryRunner.query(`CREATE TRIGGER "comment_counts_after_update" AFTER UPDATE ON "comment" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "comment_counts_refresh"()`);
        await queryRunner.query(`CREATE TRIGGER "comment_counts_after_delete" AFTER DELETE ON "comment" REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "comment_counts_refresh"()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "comment_counts_after_delete" ON "comment"`);
        await queryRunner.query(`DROP TRIGGER "comment_counts_after_update" ON "comment"`);
        await queryRunner.query(`DROP TRIGGER "comment_counts_after_insert" ON "comment"`);
        await queryRunner.query(`DROP FUNCTION "comment_counts_refresh"()`);
        await queryRunner.query(`ALTER TABLE "article_comment_count" DROP CONSTRAINT "article_comment_count_article_id_fkey"`);
        await queryRunner.query(`ALTER TABLE "comment" DROP COLUMN "reply_count"`);
        await queryRunner.query(`DROP TABLE "article_comment_count"`);
    }

}
