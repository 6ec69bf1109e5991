import type { EntityManager } from 'typeorm';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

/**
 * Queues a mail in the caller's transaction: it is sent if and only if the transaction commits, and once queued it
 * waits in the table until a delivery succeeds.
 */
export async function enqueueMail(manager: EntityManager, mail: MailMessage): Promise<void> {
  await manager.query(`INSERT INTO "mail_outbox" ("to_address", "subject", "text", "headers") VALUES ($1, $2, $3, $4)`, [
    mail.to,
    mail.subject,
    mail.text,
    JSON.stringify(mail.headers ?? {}),
  ]);
}
