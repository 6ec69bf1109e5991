import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Newsletter addresses compare case-insensitively as a whole (emailKeySql: lower() of the normalised address), so
 * "Reader.One@example.com" and "reader.one@example.com" are one subscription. Existing case-duplicates are merged
 * first, deterministically: of each address's rows the one kept is the oldest CONFIRMED one; failing that the PENDING
 * one with the newest confirmation link (the last mail sent still confirms); failing that the oldest UNSUBSCRIBED one.
 * The others are deleted; their unsubscribe links, already in readers' mailboxes, keep working for the row that was
 * kept (newsletter_merged_unsubscribe). A confirmed row stays confirmed even if a duplicate was unsubscribed: a reader
 * getting every newsletter twice who unsubscribed one copy wanted one copy.
 */
export class EmailCaseInsensitive1796398788311 implements MigrationInterface {
    name = 'EmailCaseInsensitive1796398788311'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "newsletter_merged_unsubscribe" ("unsubscribe_token_hash" character(64) NOT NULL, "subscription_id" uuid NOT NULL, CONSTRAINT "newsletter_merged_unsubscribe_pkey" PRIMARY KEY ("unsubscribe_token_hash"))`);
        await queryRunner.query(`ALTER TABLE "newsletter_merged_unsubscribe" ADD CONSTRAINT "newsletter_merged_unsubscribe_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "newsletter_subscription"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // No sign-up (an instance still on the old code) may slip a new duplicate in between the merge and the index.
        await queryRunner.query(`LOCK TABLE "newsletter_subscription" IN SHARE ROW EXCLUSIVE MODE`);
        await queryRunner.query(`WITH "ranked" AS (
                SELECT "id", "unsubscribe_token_hash",
                       first_value("id") OVER (
                           PARTITION BY lower("email")
                           ORDER BY CASE "status" WHEN 'CONFIRMED' THEN 0 WHEN 'PENDING' THEN 1 ELSE 2 END,
                                    CASE WHEN "status" = 'PENDING' THEN "confirmation_expires_at" END DESC NULLS LAST,
                                    "created_at", "id"
                       ) AS "kept_id"
                FROM "newsletter_subscription"
            ),
            "links_kept" AS (
                INSERT INTO "newsletter_merged_unsubscribe" ("unsubscribe_token_hash", "subscription_id")
                SELECT "unsubscribe_token_hash", "kept_id" FROM "ranked" WHERE "id" <> "kept_id"
            )
            DELETE FROM "newsletter_subscription" "s" USING "ranked" "r" WHERE "s"."id" = "r"."id" AND "r"."id" <> "r"."kept_id"`);
        await queryRunner.query(`DROP INDEX "public"."newsletter_email_key"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "newsletter_email_lower_key" ON "newsletter_subscription" (lower("email"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // Merged subscriptions stay merged: their rows are gone.
        await queryRunner.query(`DROP INDEX "public"."newsletter_email_lower_key"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "newsletter_email_key" ON "newsletter_subscription" USING btree ("email") `);
        await queryRunner.query(`ALTER TABLE "newsletter_merged_unsubscribe" DROP CONSTRAINT "newsletter_merged_unsubscribe_subscription_id_fkey"`);
        await queryRunner.query(`DROP TABLE "newsletter_merged_unsubscribe"`);
    }

}
