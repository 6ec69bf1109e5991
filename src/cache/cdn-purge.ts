import type { Logger } from 'pino';

/**
 * Purging a CDN by cache tag. The gateway tags public responses (`Surrogate-Key`, `Cache-Tag`) and, when content
 * changes, names the tags whose responses are now wrong; this module tells the CDN. Three styles cover Varnish with
 * vmod xkey (docs/varnish/masthead.vcl), Fastly (purge by surrogate key) and Cloudflare (purge by cache tag).
 *
 * A purge that cannot be delivered is logged, never thrown: the write that caused it has already happened, and the
 * responses it should have purged still expire on their own (s-maxage).
 */

export type CdnPurgeStyle = 'xkey' | 'fastly' | 'cloudflare';

export interface CdnPurgeSettings {
  /** Where purge requests go: Varnish itself for xkey, the purge endpoint of the Fastly service or Cloudflare zone. */
  readonly url: string;
  readonly style: CdnPurgeStyle;
  /** Fastly-Key for fastly, `Authorization: Bearer` for cloudflare and (when set) xkey. Never logged. */
  readonly token: string | null;
}

/** How long things take; only tests have reason to change these. */
export interface CdnPurgeTiming {
  /** Tags purged within this window after the first go out together: a burst of writes is one purge. */
  readonly windowMs: number;
  /** One HTTP request's limit, connection included. */
  readonly timeoutMs: number;
  /** Waits before the second, third, ... attempt; its length is the number of retries. */
  readonly retryDelaysMs: readonly number[];
}

export const DEFAULT_CDN_PURGE_TIMING: CdnPurgeTiming = { windowMs: 50, timeoutMs: 5_000, retryDelaysMs: [500, 2_000] };

export interface CdnPurger {
  /**
   * Purges every CDN object carrying any of `tags`. Resolves once the batch holding them has been sent, or given up on
   * after retries (and logged); it never rejects. Callers on a request path need not wait for it.
   */
  purge(tags: readonly string[]): Promise<void>;
  /** Sends what is pending and waits for purges in flight; the app calls it on shutdown. */
  close(): Promise<void>;
}

/** Null when no CDN is configured (CDN_PURGE_URL unset): callers skip purging altogether. */
export function createCdnPurger(settings: CdnPurgeSettings | null, log: Logger, timing: CdnPurgeTiming = DEFAULT_CDN_PURGE_TIMING): CdnPurger | null {
  if (!settings) return null;
  return new CoalescingCdnPurger(settings, PURGE_STYLES[settings.style], log.child({ component: 'cdn-purge', style: settings.style }), timing);
}

interface PurgeRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

interface PurgeStyle {
  /** Most tags one request may name. */
  maxTagsPerRequest: number;
  /**
   * Whether the CDN splits a tag at commas when it reads the response header (Cloudflare's comma-separated Cache-Tag;
   * vmod xkey, which splits on spaces and commas). A purge must name the pieces the CDN indexed, not the whole tag.
   */
  splitsOnCommas: boolean;
  request(tags: readonly string[], token: string | null): PurgeRequest;
  /** A reason to give up on a 2xx answer that still says it failed, or null. */
  refusal?(body: string): string | null;
}

const PURGE_STYLES: Record<CdnPurgeStyle, PurgeStyle> = {
  xkey: {
    // 100 tags of up to ~45 characters stay well inside Varnish's default 8 kB limit for a request header (http_req_hdr_len).
    maxTagsPerRequest: 100,
    splitsOnCommas: true,
    request: (tags, token) => ({ method: 'PURGE', headers: { 'xkey-purge': tags.join(' '), ...bearer(token) } }),
  },
  fastly: {
    // Fastly's documented limit for one purge-by-keys request.
    maxTagsPerRequest: 256,
    splitsOnCommas: false,
    request: (tags, token) => ({
      method: 'POST',
      headers: { 'surrogate-key': tags.join(' '), accept: 'application/json', ...(token ? { 'fastly-key': token } : {}) },
    }),
  },
  cloudflare: {
    // Cloudflare documents 30 tags per purge_cache call; check the limit (and the daily purge quota) for your plan.
    maxTagsPerRequest: 30,
    splitsOnCommas: true,
    request: (tags, token) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...bearer(token) },
      body: JSON.stringify({ tags }),
    }),
    refusal(body) {
      try {
        const answer = JSON.parse(body) as { success?: unknown; errors?: unknown };
        return answer.success === false ? `Cloudflare answered success: false ${JSON.stringify(answer.errors ?? [])}` : null;
      } catch {
        return null;
      }
    },
  },
};

function bearer(token: string | null): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Visible ASCII only: a space would split the tag in a header, a control character would break the request. */
const HEADER_SAFE_TAG = /^[\x21-\x7e]{1,1024}$/;

/** Longest wait a 429's Retry-After may impose on one retry; longer, and shutdown would hang on it. */
const MAX_RETRY_AFTER_MS = 10_000;

type Attempt = { ok: true } | { ok: false; retryable: boolean; reason: string; retryAfterMs: number };

class CoalescingCdnPurger implements CdnPurger {
  /** Deduplicated tags waiting for the window to close or for the batch in flight to finish. */
  private pending = new Set<string>();
  /** Callers waiting for the pending tags. */
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;

  constructor(
    private readonly settings: CdnPurgeSettings,
    private readonly style: PurgeStyle,
    private readonly log: Logger,
    private readonly timing: CdnPurgeTiming,
  ) {}

  purge(tags: readonly string[]): Promise<void> {
    const accepted = this.headerSafe(tags);
    if (accepted.length === 0) return Promise.resolve();
    for (const tag of accepted) this.pending.add(tag);
    const sent = new Promise<void>((resolve) => this.waiters.push(resolve));
    // While a batch is in flight no timer is needed: the drain loop takes whatever arrived when it finishes.
    if (!this.draining && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startDraining();
      }, this.timing.windowMs);
    }
    return sent;
  }

  async close(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.startDraining();
    while (this.draining) await this.draining;
  }

  private headerSafe(tags: readonly string[]): string[] {
    const pieces = this.style.splitsOnCommas ? tags.flatMap((tag) => tag.split(',')).filter((tag) => tag !== '') : [...tags];
    const unsafe = pieces.filter((tag) => !HEADER_SAFE_TAG.test(tag));
    if (unsafe.length > 0) {
      // Such a tag cannot have come from a response header either, so no cached object carries it.
      this.log.warn({ tags: unsafe.length, example: JSON.stringify(unsafe[0]).slice(0, 80) }, 'CDN purge skips tags that are not visible ASCII without spaces');
    }
    return pieces.filter((tag) => HEADER_SAFE_TAG.test(tag));
  }

  private startDraining(): void {
    if (this.draining || this.pending.size === 0) return;
    this.draining = this.drain();
  }

  /**
   * Sends batches one after another. Tags that arrive while one is in flight go out together in the next, so a slow or
   * failing CDN costs one growing set of distinct tags rather than a queue of requests.
   */
  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const tags = [...this.pending];
      const waiters = this.waiters;
      this.pending = new Set();
      this.waiters = [];
      for (let start = 0; start < tags.length; start += this.style.maxTagsPerRequest) {
        await this.send(tags.slice(start, start + this.style.maxTagsPerRequest));
      }
      for (const resolve of waiters) resolve();
    }
    // Reached synchronously after the last check of `pending`, so no purge() can slip in between and find no drain.
    this.draining = null;
  }

  /** One chunk of tags, with retries; logs and returns when it gives up. */
  private async send(tags: readonly string[]): Promise<void> {
    const attempts = this.timing.retryDelaysMs.length + 1;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(tags);
      if (outcome.ok) {
        this.log.debug({ tags: tags.length, attempt }, 'CDN purged');
        return;
      }
      if (!outcome.retryable || attempt >= attempts) {
        this.log.error(
          { tags: tags.length, attempts: attempt, reason: outcome.reason, url: this.describedUrl() },
          'CDN purge failed: the responses carrying these tags stay cached until they expire',
        );
        return;
      }
      const delay = Math.max(this.timing.retryDelaysMs[attempt - 1] ?? 0, Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS));
      this.log.warn({ tags: tags.length, attempt, reason: outcome.reason, retryInMs: delay }, 'CDN purge failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private async attempt(tags: readonly string[]): Promise<Attempt> {
    const request = this.style.request(tags, this.settings.token);
    let response: Response;
    let body: string;
    try {
      response = await fetch(this.settings.url, { ...request, signal: AbortSignal.timeout(this.timing.timeoutMs) });
      // Read to the end so the connection can be reused; the answers are small.
      body = await response.text();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { ok: false, retryable: true, reason: `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`, retryAfterMs: 0 };
    }
    if (response.ok) {
      const refusal = this.style.refusal?.(body) ?? null;
      return refusal ? { ok: false, retryable: false, reason: this.redacted(refusal), retryAfterMs: 0 } : { ok: true };
    }
    const retryable = response.status === 429 || response.status >= 500;
    const retryAfterSeconds = Number(response.headers.get('retry-after'));
    return {
      ok: false,
      retryable,
      reason: this.redacted(`HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}`),
      retryAfterMs: Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : 0,
    };
  }

  /** An error page may echo what it was sent; the token never reaches a log line. */
  private redacted(text: string): string {
    return this.settings.token ? text.split(this.settings.token).join('[redacted]') : text;
  }

  /** The endpoint without its query string, which some setups use for a secret. */
  private describedUrl(): string {
    const url = new URL(this.settings.url);
    return `${url.origin}${url.pathname}`;
  }
}
