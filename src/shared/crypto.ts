import { createHash, createHmac, randomBytes } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A keyed hash: the same input gives the same output only for whoever holds the secret (used for IP addresses). */
export function hmacHex(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('hex');
}

/** An unguessable token for links in mails (256 bits, URL-safe). Store only its sha256Hex(). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
