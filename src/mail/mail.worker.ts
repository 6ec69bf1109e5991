import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

/** Mails claimed per pass. */
const BATCH = 5;
/**
 * A claimed mail not marked sent within this long (the process died mid-send) is tried again. It must outlast a whole
 * batch against a slow server (5 × 50 s of SMTP timeouts), or another instance would send a claimed mail again.
 */
const LEASE_SECONDS = 600;
/** Retry delays double from the first to the last, then stay there; a mail is never given up. */
const FIRST_RETRY_SECONDS = 30;
const LAST_RETRY_SECONDS = 3_600;

export interface DeliveryReport {
  sent: number;
  failed: number;
}

/**
 * Delivers the mail outbox with nodemailer: SMTP when SMTP_URL is set, otherwise a development transport that logs
 * each mail (links included) instead of sending it. Each pass claims due mails with a short transaction (FOR UPDATE
 * SKIP LOCKED, so several instances never take the same mail), sends them outside any transaction, then records the
 * outcome. A failed send is retried with backoff; delivery is at least once (a process that dies between sending and
 * recording sends that mail again after the lease).
 */
export class MailWorker {
  private readonly transport: Transporter;
  private readonly logsInsteadOfSending: boolean;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: Logger,
    options: { smtpUrl: string | null; from: string; pollMs: number },
  ) {
    this.logsInsteadOfSending = !options.smtpUrl;
    this.transport = options.smtpUrl
      ? // nodemailer's SMTP transport reads `url` like a connection string; the timeouts make a dead server fail fast.
        nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as SMTPTransport.Options, {
          from: options.from,
        })
      : nodemailer.createTransport({ jsonTransport: true }, { from: options.from });
    this.pollMs = options.pollMs;
  }

  /** Polls the outbox every pollMs until stop(). */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running = this.deliverDue()
        .catch((error: unknown) => this.log.error({ err: error }, 'mail delivery pass failed'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    this.timer = setTimeout(tick, this.pollMs);
  }

  /** Stops polling and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    this.transport.close();
  }

  /** One pass: sends every mail that is due (up to BATCH). */
  async deliverDue(): Promise<DeliveryReport> {
    const claimed: { id: string; to_address: string; subject: string; text: string; headers: Record<string, string>; attempts: number }[] = await this.dataSource.query(
      `UPDATE "mail_outbox" SET "next_attempt_at" = now() + make_interval(secs => $1), "attempts" = "attempts" + 1
       WHERE "id" IN (
         SELECT "id" FROM "mail_outbox" WHERE "status" = 'PENDING' AND "next_attempt_at" <= now()
         ORDER BY "next_attempt_at" LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       RETURNING "id", "to_address", "subject", "text", "headers", "attempts"`,
      [LEASE_SECONDS, BATCH],
    ).then((result: unknown) => (result as [never[], number])[0]);
    const report: DeliveryReport = { sent: 0, failed: 0 };
    for (const mail of claimed) {
      try {
        const info = await this.transport.sendMail({ to: mail.to_address, subject: mail.subject, text: mail.text, headers: mail.headers });
        if (this.logsInsteadOfSending) this.log.info({ to: mail.to_address, subject: mail.subject, text: mail.text }, 'mail (not sent: SMTP_URL is unset)');
        await this.dataSource.query(`UPDATE "mail_outbox" SET "status" = 'SENT', "sent_at" = now(), "last_error" = NULL WHERE "id" = $1`, [mail.id]);
        this.log.debug({ mailId: mail.id, messageId: info.messageId }, 'mail sent');
        report.sent += 1;
      } catch (error) {
        const delay = Math.min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (mail.attempts - 1));
        await this.dataSource.query(
          `UPDATE "mail_outbox" SET "next_attempt_at" = now() + make_interval(secs => $2), "last_error" = $3 WHERE "id" = $1`,
          [mail.id, delay, String((error as Error).message ?? error).slice(0, 1000)],
        );
        this.log.warn({ mailId: mail.id, attempts: mail.attempts, retryInSeconds: delay, err: error }, 'mail not sent; will retry');
        report.failed += 1;
      }
    }
    return report;
  }
}
