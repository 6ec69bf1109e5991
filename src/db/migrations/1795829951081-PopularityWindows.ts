import { MigrationInterface, QueryRunner } from "typeorm";

export class PopularityWindows1795829951081 implements MigrationInterface {
    name = 'PopularityWindows1795829951081'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "popularity_window" ("window" character varying(16) NOT NULL, "article_id" uuid NOT NULL, "views" integer NOT NULL, CONSTRAINT "popularity_window_pkey" PRIMARY KEY ("window", "article_id"))`);
        await queryRunner.query(`CREATE INDEX "popularity_window_views_idx" ON "popularity_window"  ("window", "views", "article_id") `);
        await queryRunner.query(`CREATE TABLE "popularity_state" ("id" smallint NOT NULL, "as_of" TIMESTAMP WITH TIME ZONE, CONSTRAINT "popularity_state_single_row" CHECK ("id" = 1), CONSTRAINT "popularity_state_pkey" PRIMARY KEY ("id"))`);
        await queryRunner.query(`ALTER TABLE "popularity_window" ADD CONSTRAINT "popularity_window_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // The row always exists, so that every recording statement has a row to share-lock (see PopularityState).
        await queryRunner.query(`INSERT INTO "popularity_state" ("id", "as_of") VALUES (1, NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "popularity_window" DROP CONSTRAINT "popularity_window_article_id_fkey"`);
        await queryRunner.query(`DROP TABLE "popularity_state"`);
        await queryRunner.query(`DROP INDEX "public"."popularity_window_views_idx"`);
        await queryRunner.query(`DROP TABLE "popularity_window"`);
    }

}
