import { MigrationInterface, QueryRunner } from "typeorm";

/** article_client: counted views per article and client address hash in the current window, for VIEWS_PER_CLIENT_ARTICLE. */
export class ViewsPerClientArticle1796400555417 implements MigrationInterface {
    name = 'ViewsPerClientArticle1796400555417'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "article_client" ("article_id" uuid NOT NULL, "client_hash" character varying(64) NOT NULL, "window_started_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "counted" integer NOT NULL, "last_grant" integer NOT NULL, CONSTRAINT "article_client_pkey" PRIMARY KEY ("article_id", "client_hash"))`);
        await queryRunner.query(`CREATE INDEX "article_client_window_started_at_idx" ON "article_client"  ("window_started_at") `);
        await queryRunner.query(`ALTER TABLE "article_client" ADD CONSTRAINT "article_client_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "article_client" DROP CONSTRAINT "article_client_article_id_fkey"`);
        await queryRunner.query(`DROP INDEX "public"."article_client_window_started_at_idx"`);
        await queryRunner.query(`DROP TABLE "article_client"`);
    }

}
