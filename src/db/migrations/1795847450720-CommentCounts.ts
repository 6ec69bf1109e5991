import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Comment counts kept by the database (ArticleCommentCount, Comment.replyCount): counted once here, then counted again
 * by the trigger after every statement that inserts, updates or deletes comments, for the articles and parents that
 * statement touched.
 */
export class CommentCounts1795847450720 implements MigrationInterface {
    name = 'CommentCounts1795847450720'

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
        // Counting again (not adding and subtracting) keeps the rules in one place; the lock on each count row makes the
        // statements that touch one article's comments take turns, and each counts in a statement that starts after
        // the lock is granted, so it sees every change committed before it (READ COMMITTED: a fresh snapshot per
        // statement). Rows are locked in article order, so two statements cannot deadlock on them. A reply belongs to
        // its parent's article (CommentPostingService.checkThread), so the same lock covers the parents' reply counts.
        await queryRunner.query(`CREATE FUNCTION "comment_counts_refresh"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    "touched_articles" uuid[];
    "touched_parents" uuid[];
BEGIN
    -- The reply counts written below are updates of comments too; they change no count.
    IF current_setting('masthead.counting_comments', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT "article_id"), array_agg(DISTINCT "parent_id") FILTER (WHERE "parent_id" IS NOT NULL)
            INTO "touched_articles", "touched_parents" FROM "new_rows";
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT "article_id"), array_agg(DISTINCT "parent_id") FILTER (WHERE "parent_id" IS NOT NULL)
            INTO "touched_articles", "touched_parents" FROM "old_rows";
    ELSE
        SELECT array_agg(DISTINCT "article_id"), array_agg(DISTINCT "parent_id") FILTER (WHERE "parent_id" IS NOT NULL)
            INTO "touched_articles", "touched_parents"
            FROM (SELECT "article_id", "parent_id" FROM "old_rows" UNION ALL SELECT "article_id", "parent_id" FROM "new_rows") "changed";
    END IF;
    IF "touched_articles" IS NULL THEN
        RETURN NULL;
    END IF;
    -- An article deleted in this transaction (its comments deleted with it) has no count row left to keep.
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
        PERFORM set_config('masthead.counting_comments', 'on', true);
        UPDATE "comment" "c" SET "reply_count" = "counted"."n"
        FROM (SELECT "p"."id", (SELECT count(*) FROM "comment" "r" WHERE "r"."parent_id" = "p"."id" AND "r"."status" = 'APPROVED')::int AS "n"
              FROM "comment" "p" WHERE "p"."id" = ANY("touched_parents")) "counted"
        WHERE "c"."id" = "counted"."id" AND "c"."reply_count" <> "counted"."n";
        PERFORM set_config('masthead.counting_comments', 'off', true);
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
