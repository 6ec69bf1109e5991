import { MigrationInterface, QueryRunner } from "typeorm";

export class Analytics1795828528817 implements MigrationInterface {
    name = 'Analytics1795828528817'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "article_view" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "article_id" uuid NOT NULL, "visitor_hash" bytea NOT NULL, "viewed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "referrer_host" character varying(255), CONSTRAINT "article_view_pkey" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "article_view_article_viewed_at_idx" ON "article_view"  ("article_id", "viewed_at") `);
        await queryRunner.query(`CREATE INDEX "article_view_viewed_at_idx" ON "article_view"  ("viewed_at") `);
        await queryRunner.query(`CREATE TABLE "article_visitor" ("article_id" uuid NOT NULL, "visitor_hash" bytea NOT NULL, "last_counted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "previous_counted_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "article_visitor_pkey" PRIMARY KEY ("article_id", "visitor_hash"))`);
        await queryRunner.query(`CREATE INDEX "article_visitor_last_counted_at_idx" ON "article_visitor"  ("last_counted_at") `);
        await queryRunner.query(`CREATE TABLE "visitor_salt" ("day" date NOT NULL, "salt" bytea NOT NULL, CONSTRAINT "visitor_salt_pkey" PRIMARY KEY ("day"))`);
        await queryRunner.query(`CREATE TABLE "article_view_hourly" ("article_id" uuid NOT NULL, "hour" TIMESTAMP WITH TIME ZONE NOT NULL, "views" integer NOT NULL, "unique_visitors" integer NOT NULL, CONSTRAINT "article_view_hourly_pkey" PRIMARY KEY ("article_id", "hour"))`);
        await queryRunner.query(`CREATE INDEX "article_view_hourly_hour_idx" ON "article_view_hourly"  ("hour", "article_id", "views") `);
        await queryRunner.query(`CREATE TABLE "article_view_daily" ("article_id" uuid NOT NULL, "day" date NOT NULL, "views" integer NOT NULL, "unique_visitors" integer NOT NULL, CONSTRAINT "article_view_daily_pkey" PRIMARY KEY ("article_id", "day"))`);
        await queryRunner.query(`CREATE INDEX "article_view_daily_day_idx" ON "article_view_daily"  ("day", "article_id", "views") `);
        await queryRunner.query(`CREATE TABLE "article_view_total" ("article_id" uuid NOT NULL, "views" integer NOT NULL, "unique_visitors" integer NOT NULL, CONSTRAINT "article_view_total_pkey" PRIMARY KEY ("article_id"))`);
        await queryRunner.query(`CREATE INDEX "comment_created_at_idx" ON "comment"  ("created_at") `);
        await queryRunner.query(`CREATE INDEX "newsletter_created_at_idx" ON "newsletter_subscription"  ("created_at") `);
        await queryRunner.query(`ALTER TABLE "article_view" ADD CONSTRAINT "article_view_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_visitor" ADD CONSTRAINT "article_visitor_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_view_hourly" ADD CONSTRAINT "article_view_hourly_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_view_daily" ADD CONSTRAINT "article_view_daily_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_view_total" ADD CONSTRAINT "article_view_total_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "article_view_total" DROP CONSTRAINT "article_view_total_article_id_fkey"`);
        await queryRunner.query(`ALTER TABLE "article_view_daily" DROP CONSTRAINT "article_view_daily_article_id_fkey"`);
        await queryRunner.query(`ALTER TABLE "article_view_hourly" DROP CONSTRAINT "article_view_hourly_article_id_fkey"`);
        await queryRunner.query(`ALTER TABLE "article_visitor" DROP CONSTRAINT "article_visitor_article_id_fkey"`);
        await queryRunner.query(`ALTER TABLE "article_view" DROP CONSTRAINT "article_view_article_id_fkey"`);
        await queryRunner.query(`DROP INDEX "public"."newsletter_created_at_idx"`);
        await queryRunner.query(`DROP INDEX "public"."comment_created_at_idx"`);
        await queryRunner.query(`DROP TABLE "article_view_total"`);
        await queryRunner.query(`DROP INDEX "public"."article_view_daily_day_idx"`);
        await queryRunner.query(`DROP TABLE "article_view_daily"`);
        await queryRunner.query(`DROP INDEX "public"."article_view_hourly_hour_idx"`);
        await queryRunner.query(`DROP TABLE "article_view_hourly"`);
        await queryRunner.query(`DROP TABLE "visitor_salt"`);
        await queryRunner.query(`DROP INDEX "public"."article_visitor_last_counted_at_idx"`);
        await queryRunner.query(`DROP TABLE "article_visitor"`);
        await queryRunner.query(`DROP INDEX "public"."article_view_viewed_at_idx"`);
        await queryRunner.query(`DROP INDEX "public"."article_view_article_viewed_at_idx"`);
        await queryRunner.query(`DROP TABLE "article_view"`);
    }

}
