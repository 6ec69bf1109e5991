import type { Request } from 'express';
import { hmacHex } from './crypto';

/**
 * Who is calling, as far as rate limits and moderation need to know. The address is the socket's, or the one proxies
 * report in X-Forwarded-For when TRUST_PROXY says to believe them (Express resolves it); it is used only as a keyed
 * hash, never stored or logged as such.
 */
export interface ClientInfo {
  /** HMAC of the client's IP address. */
  readonly addressHash: string;
  readonly userAgent: string | null;
  /** The page the request came from (Referer), if any. */
  readonly referrer: string | null;
}

export function clientInfo(request: Request, secret: string): ClientInfo {
  const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
  let addressHash: string | undefined;
  return {
    // Hashed when first needed: only writes and views use it, and reads are most requests.
    get addressHash() {
      return (addressHash ??= hmacHex(secret, `ip:${address}`));
    },
    userAgent: request.get('user-agent')?.slice(0, 500) ?? null,
    referrer: request.get('referer')?.slice(0, 500) ?? null,
  };
}

