import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RequestHandler } from 'express';

/** Where `npm run build` puts the bundled playground (playground/build.mjs): beside dist/src, or under dist/ for tests. */
const CANDIDATES = [path.join(__dirname, '..', 'playground'), path.join(__dirname, '..', 'dist', 'playground')];

interface Page {
  html: Buffer;
  gzipped: Buffer;
  csp: string;
}

/**
 * GET /graphql from a browser: the GraphiQL playground, one self-contained page served by Masthead itself (no CDN),
 * with a Content-Security-Policy that lets it load nothing from anywhere else. Other requests pass on to Apollo.
 */
export function playgroundPage(): RequestHandler {
  let page: Page | null | undefined;
  const load = (): Page | null => {
    const directory = CANDIDATES.find((candidate) => fs.existsSync(path.join(candidate, 'playground.html')));
    if (!directory) return null;
    const html = fs.readFileSync(path.join(directory, 'playground.html'));
    return { html, gzipped: gzipSync(html), csp: fs.readFileSync(path.join(directory, 'playground.csp'), 'utf8').trim() };
  };
  return (request, response, next) => {
    const wantsPage = request.method === 'GET' && request.query.query === undefined && request.accepts(['application/json', 'text/html']) === 'text/html';
    if (!wantsPage) return next();
    page ??= load();
    if (!page) {
      response.status(503).type('text/plain').send('The playground is not built: run npm run build.');
      return;
    }
    const gzip = request.acceptsEncodings('gzip', 'identity') === 'gzip';
    response.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': page.csp,
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-cache',
      Vary: 'Accept, Accept-Encoding',
      ...(gzip && { 'Content-Encoding': 'gzip' }),
    });
    response.send(gzip ? page.gzipped : page.html);
  };
}
