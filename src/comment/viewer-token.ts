import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../shared/errors';

export const VIEWER_TOKEN_AUDIENCE = 'masthead:comment-viewer';

/**
 * Viewer tokens: signed (HS256, with jose), expiring tokens given to a reader who posts a comment. A token carries a
 * random viewer key that is also stored, privately, on each comment posted with it; with the token the reader sees
 * their own pending comments and may edit or delete them for a short while. It carries nothing else about them.
 */
export class ViewerTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly lifetimeDays: number,
  ) {
    this.key = viewerTokenKey(secret);
  }

  /**
   * A token for `viewerKey`. Signing is deterministic, so the same key and issue time always give the same token; an
   * idempotent replay passes the first issue time and gets the first token back, without any token being stored.
   */
  issue(viewerKey: string, issuedAtSeconds: number = Math.floor(Date.now() / 1000)): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(viewerKey)
      .setAudience(VIEWER_TOKEN_AUDIENCE)
      .setIssuedAt(issuedAtSeconds)
      .setExpirationTime(issuedAtSeconds + this.lifetimeDays * 86_400)
      .sign(this.key);
  }

  /** The viewer key inside a token; INVALID_TOKEN for a forged or malformed one, TOKEN_EXPIRED for an old one. */
  async verify(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.key, { audience: VIEWER_TOKEN_AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string') throw new AppError('INVALID_TOKEN', 'This viewer token is not valid.');
      return payload.sub;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'This viewer token has expired. It is renewed each time you post a comment.');
      throw new AppError('INVALID_TOKEN', 'This viewer token is not valid.');
    }
  }
}

/** The signing key, derived from MASTHEAD_SECRET so that it differs from every other use of the secret. */
export function viewerTokenKey(secret: string): Uint8Array {
  return new TextEncoder().encode(`${secret}:viewer-token`);
}
