import { MigrationInterface, QueryRunner } from "typeorm";

/** Editors: staff API tokens (hashes only), the audit log, and article versions for optimistic concurrency. Generated, reviewed. */

export class EditorialTools1795824521607 implements MigrationInterface {
    name = 'EditorialTools1795824521607'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."staff_role" AS ENUM('ADMIN', 'EDITOR', 'AUTHOR', 'ANALYST')`);
        await queryRunner.query(`CREATE TABLE "api_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(120) NOT NULL, "role" "public"."staff_role" NOT NULL, "token_hash" character(64) NOT NULL, "author_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP(3) WITH TIME ZONE, "last_used_at" TIMESTAMP(3) WITH TIME ZONE, "revoked_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "api_token_pkey" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "api_token_hash_key" ON "api_token"  ("token_hash") `);
        await queryRunner.query(`CREATE TABLE "audit_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "actor_token_id" uuid, "actor_name" character varying(120) NOT NULL, "actor_role" character varying(20) NOT NULL, "action" character varying(60) NOT NULL, "subject_type" character varying(40) NOT NULL, "subject_id" uuid, "before" jsonb, "after" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "audit_entry_pkey" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "audit_entry_recent_idx" ON "audit_entry"  ("created_at", "id") `);
        await queryRunner.query(`ALTER TABLE "article" ADD "version" integer NOT NULL DEFAULT '1'`);
        await queryRunner.query(`ALTER TABLE "api_token" ADD CONSTRAINT "api_token_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "author"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "api_token" DROP CONSTRAINT "api_token_author_id_fkey"`);
        await queryRunner.query(`ALTER TABLE "article" DROP COLUMN "version"`);
        await queryRunner.query(`DROP INDEX "public"."audit_entry_recent_idx"`);
        await queryRunner.query(`DROP TABLE "audit_entry"`);
        await queryRunner.query(`DROP INDEX "public"."api_token_hash_key"`);
        await queryRunner.query(`DROP TABLE "api_token"`);
        await queryRunner.query(`DROP TYPE "public"."staff_role"`);
    }

}
