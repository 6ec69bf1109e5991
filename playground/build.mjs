// Builds the Masthead GraphiQL playground: a small HTML page and content-hashed, precompressed assets, all offline.
//
//   node playground/build.mjs <outDir>
//     -> <outDir>/playground.html                   the page (revalidated by the browser on every visit)
//        <outDir>/assets/<name>.<hash>.<ext>        the bundle, the Monaco workers and the fonts (cached for good)
//        <outDir>/assets/<file>.gz, <file>.br       each asset precompressed (gzip level 9, brotli quality 11) where that
//                                                   makes it smaller (not woff2, which is brotli inside)
//        <outDir>/manifest.json                     the assets the server may serve, written last
//
// Steps (esbuild JS API, no network access):
//   1. Bundle the three Monaco web workers graphiql 5 needs (editor, json, graphql) as classic IIFE scripts, each
//      named by the hash of its content.
//   2. Bundle playground.tsx (React + GraphiQL + Monaco + CSS); the virtual modules `playground-worker:<name>` hand it
//      each worker's URL, so a changed worker changes the app's content, and so its name, too.
//   3. Take the fonts out of the CSS (graphiql's stylesheet comes with 35 faces inlined, Monaco's codicon is inlined
//      by esbuild) into hashed assets: the browser then fetches only the faces and unicode-range subsets a page uses,
//      instead of all of them, base64-encoded, in the stylesheet. The few small images stay inline as data: URLs.
//   4. Write the page, which links the app's script and stylesheet, and check that nothing in the bundle makes the
//      browser fetch anything from anywhere else.
//
// The server (src/playground.ts) serves the assets under ASSET_PATH only by the names in manifest.json, and sends the
// page's Content-Security-Policy.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';

import * as esbuild from 'esbuild';

const started = performance.now();
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const outDirArg = process.argv[2];
if (!outDirArg || outDirArg === '-h' || outDirArg === '--help') {
  process.stderr.write('usage: node playground/build.mjs <outDir>\n');
  process.exit(outDirArg ? 0 : 2);
}
const outDir = path.resolve(outDirArg);
const assetsDir = path.join(outDir, 'assets');

/** Where the page finds the assets; src/playground.ts serves them there (ASSET_ROUTE). */
const ASSET_PATH = '/playground/assets/';

const CONTENT_TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
const FONT = /\.(ttf|woff2?)$/;

/** `<base>.<first 16 hex digits of the content's SHA-256><ext>`: a new content is a new name, so it can be cached for good. */
function hashedName(base, ext, content) {
  return `${base}.${createHash('sha256').update(content).digest('hex').slice(0, 16)}${ext}`;
}

/** name -> content of every asset, in the order they are made. */
const assets = new Map();
function addAsset(base, ext, textOrBytes) {
  const content = Buffer.from(textOrBytes);
  const name = hashedName(base, ext, content);
  assets.set(name, content);
  return name;
}

const common = {
  bundle: true,
  minify: true,
  write: false,
  platform: 'browser',
  target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
  legalComments: 'none',
  logLevel: 'warning',
  // Keep the app's build independent of the server's tsconfig.json.
  tsconfigRaw: { compilerOptions: {} },
  define: { 'process.env.NODE_ENV': '"production"' },
  // Inline every asset a stylesheet or module may reference (step 3 takes the fonts back out).
  loader: {
    '.ttf': 'dataurl',
    '.woff': 'dataurl',
    '.woff2': 'dataurl',
    '.svg': 'dataurl',
    '.png': 'dataurl',
    '.gif': 'dataurl',
  },
};

// 1. Workers (the same three graphiql's setup-workers/* wire up).
const workerEntries = {
  editor: require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
  json: require.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
  graphql: require.resolve('monaco-graphql/esm/graphql.worker.js'),
};

const workerUrls = {};
for (const [name, entry] of Object.entries(workerEntries)) {
  const result = await esbuild.build({ ...common, entryPoints: [entry], format: 'iife', outfile: `${name}.worker.js` });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  workerUrls[name] = ASSET_PATH + addAsset(`${name}.worker`, '.js', js.text);
}

// 2. The app.
const virtualModules = {
  name: 'playground-virtual-modules',
  setup(build) {
    build.onResolve({ filter: /^playground-worker:/ }, (args) => ({
      path: args.path.slice('playground-worker:'.length),
      namespace: 'playground-worker',
    }));
    build.onLoad({ filter: /.*/, namespace: 'playground-worker' }, (args) => {
      const url = workerUrls[args.path];
      if (url === undefined) return { errors: [{ text: `unknown worker "${args.path}"` }] };
      return { contents: `export default ${JSON.stringify(url)};`, loader: 'js' };
    });
    // @graphiql/toolkit imports graphql-ws lazily, only for subscriptions over websockets, which
    // the playground does not configure (and the package is not installed). Stub it out.
    build.onResolve({ filter: /^graphql-ws$/ }, () => ({ path: 'graphql-ws', namespace: 'playground-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'playground-stub' }, () => ({
      contents:
        'export function createClient() { throw new Error("The Masthead playground does not support websocket subscriptions."); }',
      loader: 'js',
    }));
  },
};

const app = await esbuild.build({
  ...common,
  entryPoints: [path.join(here, 'playground.tsx')],
  format: 'iife',
  jsx: 'automatic',
  outdir: 'out',
  plugins: [virtualModules],
});

const appJs = app.outputFiles.filter((f) => f.path.endsWith('.js'));
const appCss = app.outputFiles.filter((f) => f.path.endsWith('.css'));
if (appJs.length !== 1 || appCss.length !== 1) {
  throw new Error(`unexpected build outputs: ${app.outputFiles.map((f) => f.path).join(', ')}`);
}
// 3. Fonts out of the stylesheet. The page's own layout goes in, so the page carries no inline style.
const css = `html,body,#root{height:100%;margin:0}\n${appCss[0].text}`.replace(
  /url\((['"]?)data:font\/(ttf|woff2?);base64,([A-Za-z0-9+/=]+)\1\)/g,
  (_, _quote, type, base64) => `url(${ASSET_PATH}${addAsset('font', `.${type}`, Buffer.from(base64, 'base64'))})`,
);
if (/data:font\//.test(css)) throw new Error('bundled CSS still has a font inlined in a form this build does not take out');

// Nothing may load from anywhere else: every url() in the CSS must be one of the assets, a data: URL or a
// #fragment, and there must be no @import.
const badUrls = [...css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g)]
  .map((m) => m[2])
  .filter((u) => !u.startsWith('data:') && !u.startsWith('#') && !(u.startsWith(ASSET_PATH) && assets.has(u.slice(ASSET_PATH.length))));
if (badUrls.length || /@import/i.test(css)) {
  throw new Error(`bundled CSS would fetch resources: ${[...badUrls, ...(/@import/i.test(css) ? ['@import'] : [])].join(', ')}`);
}

const cssName = addAsset('playground', '.css', css);
const jsName = addAsset('playground', '.js', appJs[0].text);

// 4. The page.
const html =
  '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width,initial-scale=1">' +
  '<title>Masthead playground</title>' +
  // An empty icon, so the browser does not ask the server for /favicon.ico.
  '<link rel="icon" href="data:,">' +
  `<link rel="stylesheet" href="${ASSET_PATH}${cssName}">` +
  `<script defer src="${ASSET_PATH}${jsName}"></script>` +
  '</head><body><div id="root"></div></body></html>\n';

// Precompressed once here, so serving costs no CPU and gets the smallest files (brotli 11 takes seconds per MB,
// far too slow to run per request). zlib's async calls run on libuv's thread pool, so the files compress in parallel.
const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const compressed = await Promise.all(
  [...assets].map(async ([name, content]) => {
    const [gz, br] = await Promise.all([
      gzipAsync(content, { level: 9 }),
      brotli(content, {
        params: {
          [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
          [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: content.length,
        },
      }),
    ]);
    // A variant that saves less than a tenth is not worth a Content-Encoding.
    const worthIt = (variant) => variant.length < content.length * 0.9;
    return { name, content, gz: worthIt(gz) ? gz : null, br: worthIt(br) ? br : null };
  }),
);

// The manifest goes first and comes back last, so a server or test setup never takes a half-written build for a
// whole one; the old assets go, so the folder holds only what the manifest names.
await mkdir(outDir, { recursive: true });
await rm(path.join(outDir, 'manifest.json'), { force: true });
// Earlier builds wrote one self-contained page with its policy beside it.
await rm(path.join(outDir, 'playground.csp'), { force: true });
await rm(assetsDir, { recursive: true, force: true });
await mkdir(assetsDir);
const manifestAssets = {};
for (const { name, content, gz, br } of compressed) {
  await writeFile(path.join(assetsDir, name), content);
  const bytes = { identity: content.length };
  if (br) {
    await writeFile(path.join(assetsDir, `${name}.br`), br);
    bytes.br = br.length;
  }
  if (gz) {
    await writeFile(path.join(assetsDir, `${name}.gz`), gz);
    bytes.gzip = gz.length;
  }
  manifestAssets[name] = { type: CONTENT_TYPES[path.extname(name)], bytes };
}
await writeFile(path.join(outDir, 'playground.html'), html);
await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify({ page: 'playground.html', assets: manifestAssets }, null, 2)}\n`);

// The sizes a browser downloads: each asset in the best encoding it has (fonts only where a page uses their subset).
const sent = (asset, encoding) => asset.bytes[encoding] ?? asset.bytes.identity;
const total = (encoding) => Object.values(manifestAssets).reduce((n, asset) => n + sent(asset, encoding), 0);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
process.stdout.write(
  `${path.relative(process.cwd(), outDir) || outDir}: page ${Buffer.byteLength(html)} bytes; ${assets.size} assets of ` +
    `${kib(total('identity'))}, ${kib(total('gzip'))} gzipped, ${kib(total('br'))} with brotli, ` +
    `in ${((performance.now() - started) / 1000).toFixed(1)} s\n` +
    Object.entries(manifestAssets)
      .filter(([name]) => !FONT.test(name))
      .map(([name, asset]) => `  ${name}: ${kib(asset.bytes.identity)}, gzip ${kib(sent(asset, 'gzip'))}, br ${kib(sent(asset, 'br'))}\n`)
      .join(''),
);
