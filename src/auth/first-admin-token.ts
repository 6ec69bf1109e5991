import type { Logger } from 'pino';
import type { AuthService } from './auth.service';

/** The name the first ADMIN token carries in apiTokens and the audit log. */
export const FIRST_ADMIN_TOKEN_NAME = 'First admin (printed at first start)';

/** Where the banner goes: process.stdout in production; tests pass their own. */
export type BannerOutput = Pick<NodeJS.WritableStream, 'write'>;

/**
 * On the first start of a database no token was ever issued on, issues one ADMIN token and prints it once, so whoever
 * started the gateway can sign in without stopping it (the embedded database cannot be opened by token:create while
 * the gateway holds it). Once any token exists (this one, revoked or not, or one from token:create) it never prints.
 *
 * The token goes to `output` as a plain banner, not through the logger: LOG_LEVEL=error or silent would drop a log
 * line, and with it the only chance to see the token; and a plain block of text stands out among JSON lines where an
 * escaped string inside one would not. The logger gets a warning without the token, so the event is on record in the
 * structured logs without the secret.
 */
export async function printFirstAdminToken(auth: AuthService, log: Logger, output: BannerOutput): Promise<void> {
  const issued = await auth.issueFirstAdmin(FIRST_ADMIN_TOKEN_NAME);
  if (!issued) return;
  const { token, record } = issued;
  const rule = '='.repeat(100);
  output.write(
    [
      '',
      rule,
      'Masthead: no API token existed yet, so here is the first ADMIN token. It is shown only this once:',
      '',
      `    ${token}`,
      '',
      'Store it now (in a password manager): only its hash is kept, and it is never printed again.',
      'Send it as  Authorization: Bearer <token>  to /graphql (the playground has a Headers pane).',
      'It never expires: make tokens of your own with the createApiToken mutation, then revoke this one with',
      `    mutation { revokeApiToken(id: "${record.id}") { revokedAt } }`,
      'FIRST_ADMIN_TOKEN=false turns this off.',
      rule,
      '',
      '',
    ].join('\n'),
  );
  log.warn({ tokenId: record.id, name: record.name }, 'issued the first ADMIN token and printed it on stdout (once); revoke it with revokeApiToken once you have your own');
}
