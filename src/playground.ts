import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type RequestHandler } from 'express';

/** Where `npm run build` puts the playground (playground/build.mjs): beside dist/src, or under dist/ for tests. */
const CANDIDATES = [path.join(__dirname, '..', 'playground'), path.join(__dirname, '..', 'dist', 'playground')];

/** The path the page links its assets under (ASSET_PATH in playground/build.mjs). */
const ASSET_ROUTE = '/playground/assets';

/**
 * The page loads its script, stylesheet, fonts and workers from this origin only, talks to this origin only, and
 * cannot be framed. Styles need 'unsafe-inline': Monaco and GraphiQL add <style> elements and style attributes at run time.
 */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A year: the longest max-age caches honour. Asset names change with their content, so they never go stale. */
const ASSET_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;

type Encoding = 'br' | 'gzip';
const FILE_SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

interface Manifest {
  page: string;
  assets: Record<string, { type: string; bytes: { identity: number } & Partial<Record<Encoding, number>> }>;
}

interface Build {
  page: Buffer;
  pageEtag: string;
  assetDirectory: string;
  assets: ReadonlyMap<string, { type: string; encodings: readonly Encoding[] }>;
}

function loadBuild(): Build | null {
  const directory = CANDIDATES.find((candidate) => fs.existsSync(path.join(candidate, 'manifest.json')));
  if (!directory) return null;
  const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as Manifest;
  const page = fs.readFileSync(path.join(directory, manifest.page));
  return {
    page,
    pageEtag: `"${createHash('sha256').update(page).digest('base64url').slice(0, 22)}"`,
    assetDirectory: path.join(directory, 'assets'),
    assets: new Map(
      Object.entries(manifest.assets).map(([name, asset]) => [
        name,
        { type: asset.type, encodings: (['br', 'gzip'] as const).filter((encoding) => asset.bytes[encoding] !== undefined) },
      ]),
    ),
  };
}

/**
 * A browser loading the page: GET /graphql preferring HTML over JSON, without a GraphQL request in its parameters
 * (GET queries, persisted or not, are GraphQL's whatever the client accepts).
 */
function isPageLoad(request: Request): boolean {
  const { query, extensions } = request.query;
  return query === undefined && extensions === undefined && request.accepts(['application/json', 'text/html']) === 'text/html';
}

/**
 * The GraphiQL playground, served by Masthead itself (no CDN). GET /graphql from a browser gets a page of a few hundred
 * bytes, revalidated on every visit (ETag), which links content-hashed assets under /playground/assets/: the bundle,
 * the Monaco workers and the fonts, precompressed at build time (brotli, gzip) and cached by the browser for a year.
 * Only names in the build's manifest are served; anything else there falls through to the 404.
 *
 * Off (`enabled` false), a browser's page load is answered with a short 404 and the assets are not served; GraphQL
 * requests pass on to Apollo either way.
 */
export function playgroundRoutes(enabled: boolean): Router {
  const router = Router();
  if (!enabled) {
    router.get('/graphql', (request, response, next) => {
      if (!isPageLoad(request)) return next();
      response
        .status(404)
        .set('Vary', 'Accept')
        .json({ errors: [{ message: 'There is no playground on this server. Send GraphQL requests to /graphql as POST with a JSON body.', extensions: { code: 'NOT_FOUND' } }] });
    });
    return router;
  }

  let build: Build | null = null;
  // Read once; until the playground is built, looked for again on each request, so a build is picked up without a restart.
  const current = (): Build | null => (build ??= loadBuild());

  const page: RequestHandler = (request, response, next) => {
    if (!isPageLoad(request)) return next();
    const loaded = current();
    if (!loaded) {
      response.status(503).set('Vary', 'Accept').type('text/plain').send('The playground is not built: run npm run build.');
      return;
    }
    response.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': PAGE_POLICY,
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-cache',
      ETag: loaded.pageEtag,
      Vary: 'Accept',
    });
    // Express answers 304 when the request's If-None-Match holds this ETag.
    response.send(loaded.page);
  };

  const asset: RequestHandler<{ name: string }> = (request, response, next) => {
    const loaded = current();
    const found = loaded?.assets.get(request.params.name);
    // Names are looked up, never joined to a path: "../" in any encoding finds nothing.
    if (!loaded || !found) return next();
    // Brotli first: it is the smaller, and every browser that offers it decodes it.
    const encoding = found.encodings.find((candidate) => request.acceptsEncodings(candidate) === candidate);
    response.set({ 'Content-Type': found.type, 'X-Content-Type-Options': 'nosniff', Vary: 'Accept-Encoding' });
    if (encoding) response.set('Content-Encoding', encoding);
    const file = encoding ? request.params.name + FILE_SUFFIX[encoding] : request.params.name;
    response.sendFile(file, { root: loaded.assetDirectory, maxAge: ASSET_MAX_AGE_MS, immutable: true, dotfiles: 'deny' }, (error) => {
      if (error) next(error);
    });
  };

  router.get('/graphql', page);
  router.get(`${ASSET_ROUTE}/:name`, asset);
  return router;
}
