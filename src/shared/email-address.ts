import { domainToASCII } from 'node:url';
import type { EntityManager } from 'typeorm';
import { badInput } from './errors';

/**
 * One address, normalised for storing and sending: trimmed, the domain lower-cased and converted to punycode (IDN),
 * the local part as the reader typed it. Throws BAD_USER_INPUT (for `field`) for anything that is not a single address.
 */
export function normaliseEmail(input: string, field = 'email'): string {
  const email = input.trim();
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = at > 0 ? domainToASCII(email.slice(at + 1).toLowerCase()) : '';
  if (at <= 0 || !local || !domain || /[\s,;<>]/.test(email)) throw badInput('Please enter one valid e-mail address.', field);
  const normalised = `${local}@${domain}`;
  if (normalised.length > 254) throw badInput('Please enter one valid e-mail address.', field);
  return normalised;
}

/**
 * How two normalised addresses compare, in SQL: the whole address lower-cased. RFC 5321 lets a mail server treat the
 * local part case-sensitively, but the providers readers use do not, and a reader who types "Reader.One@" on the phone
 * and "reader.one@" on the laptop means one mailbox; comparing case-sensitively made them two subscribers, two mails
 * and two rate-limit buckets. The address itself is kept as typed, so mail still reaches the rare server that does
 * care about case. The rule is PostgreSQL's lower(), so that the unique and lookup indexes (newsletter_email_lower_key,
 * comment_no_duplicate_idx, comment_approved_email_idx) and every comparison and rate-limit key agree by construction;
 * letters beyond ASCII fold as the database's LC_CTYPE says (every UTF-8 locale, and the embedded database, fold them).
 */
export function emailKeySql(expression: string): string {
  return `lower(${expression})`;
}

/** The comparison key of a normalised address (emailKeySql), for keys kept outside the database such as rate limits. */
export async function emailKey(manager: EntityManager, address: string): Promise<string> {
  const [{ key }] = (await manager.query(`SELECT ${emailKeySql('$1::text')} AS "key"`, [address])) as { key: string }[];
  return key;
}
