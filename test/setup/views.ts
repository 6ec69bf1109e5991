import type { TestApp } from './harness';

/** A reader's browser: isbot lets it through (Node's own fetch says "node", which is a bot). */
export const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' };

let readers = 0;

/**
 * Records a view as if it happened at `at`, through the real ViewService and its statement (dedupe, rollups): the API
 * only takes views up to a day old, and window tests need older ones.
 */
export async function viewAt(t: TestApp, articleId: string, visitorId: string, at: Date): Promise<string> {
  // A reader address of its own each time, so that tests recording thousands of views stay under the per-client limit.
  const reader = { addressHash: `test-reader-${++readers}`, userAgent: BROWSER['user-agent'], referrer: null };
  const [outcome] = await t.app.services.views.record([{ articleId, visitorId }], reader, at);
  return outcome;
}
