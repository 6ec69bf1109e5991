// Builds the Masthead GraphiQL playground into ONE self-contained, offline HTML file.
//
//   node playground/build.mjs <outDir>      -> <outDir>/playground.html
//
// Steps (esbuild JS API, no network access):
//   1. Bundle the three Monaco web workers graphiql 5 needs (editor, json, graphql) as classic
//      IIFE scripts and keep their text in memory.
//   2. Bundle playground.tsx (React + GraphiQL + Monaco + CSS); the virtual modules
//      `playground-worker:<name>` hand it the worker sources, which it starts from blob: URLs.
//      Fonts and images referenced from CSS are inlined as data: URLs.
//   3. Write one HTML page with the CSS in a <style> and the JS in a <script>, and check that
//      nothing in it makes the browser fetch anything from anywhere.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

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
const outFile = path.join(outDir, 'playground.html');

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
  // Inline every asset a stylesheet or module may reference.
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

const workerSources = Object.fromEntries(
  await Promise.all(
    Object.entries(workerEntries).map(async ([name, entry]) => {
      const result = await esbuild.build({
        ...common,
        entryPoints: [entry],
        format: 'iife',
        outfile: `${name}.worker.js`,
      });
      const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
      return [name, js.text];
    }),
  ),
);

// 2. The app.
const virtualModules = {
  name: 'playground-virtual-modules',
  setup(build) {
    build.onResolve({ filter: /^playground-worker:/ }, (args) => ({
      path: args.path.slice('playground-worker:'.length),
      namespace: 'playground-worker',
    }));
    build.onLoad({ filter: /.*/, namespace: 'playground-worker' }, (args) => {
      const source = workerSources[args.path];
      if (source === undefined) return { errors: [{ text: `unknown worker "${args.path}"` }] };
      return { contents: `export default ${JSON.stringify(source)};`, loader: 'js' };
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
if (appJs.length !== 1 || appCss.length > 1) {
  throw new Error(`unexpected build outputs: ${app.outputFiles.map((f) => f.path).join(', ')}`);
}
let js = appJs[0].text;
const css = appCss.length ? appCss[0].text : '';

// 3. Inline into one page.
// A <script> element ends at the first "</script"; esbuild already escapes that inside string
// literals, make sure anyway. "<!--" is harmless unless a "<script" follows it before the next
// "-->" (the HTML tokenizer would then enter its "double escaped" state and miss our closing tag),
// so check exactly that, conservatively.
js = js.replace(/<\/(script)/gi, '<\\/$1');
for (let i = js.indexOf('<!--'); i >= 0; i = js.indexOf('<!--', i + 1)) {
  const end = js.indexOf('-->', i + 2);
  if (/<script[\t\n\f\r />]/i.test(js.slice(i, end < 0 ? js.length : end))) {
    throw new Error(`bundled JS has "<!--" followed by "<script" at offset ${i}; it cannot be inlined safely`);
  }
}
if (/<\/style/i.test(css)) throw new Error('bundled CSS contains "</style"; it cannot be inlined safely');

// Nothing may load from anywhere: every url() in the CSS must be a data: URL (or a #fragment),
// and there must be no @import.
const badUrls = [...css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g)]
  .map((m) => m[2])
  .filter((u) => !u.startsWith('data:') && !u.startsWith('#'));
if (badUrls.length || /@import/i.test(css)) {
  throw new Error(`bundled CSS would fetch resources: ${[...badUrls, ...(/@import/i.test(css) ? ['@import'] : [])].join(', ')}`);
}

const html =
  '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width,initial-scale=1">' +
  '<title>Masthead playground</title>' +
  // An empty icon, so the browser does not ask the server for /favicon.ico.
  '<link rel="icon" href="data:,">' +
  '<style>html,body,#root{height:100%;margin:0}</style>' +
  `<style>${css}</style>` +
  '</head><body><div id="root"></div>' +
  `<script>${js}</script>` +
  '</body></html>\n';

await mkdir(outDir, { recursive: true });
await writeFile(outFile, html);

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const bytes = Buffer.byteLength(html);
const workerBytes = Object.values(workerSources).reduce((n, s) => n + Buffer.byteLength(s), 0);
// The page's one inline script, for a Content-Security-Policy that allows it and nothing else.
// Styles cannot use a hash: Monaco and GraphiQL also add <style> elements and style attributes at
// runtime, so style-src needs 'unsafe-inline'.
const scriptHash = `'sha256-${createHash('sha256').update(js).digest('base64')}'`;
const csp =
  `default-src 'none'; script-src ${scriptHash}; style-src 'unsafe-inline'; worker-src blob:; connect-src 'self'; ` +
  `img-src 'self' data:; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
// The server sends this policy with the page (src/playground.ts).
await writeFile(path.join(outDir, 'playground.csp'), `${csp}\n`);
process.stdout.write(
  `${path.relative(process.cwd(), outFile) || outFile}: ${(bytes / 1024 / 1024).toFixed(2)} MiB ` +
    `(${bytes} bytes; JS ${kib(Buffer.byteLength(js))} incl. workers ${kib(workerBytes)}, CSS ${kib(Buffer.byteLength(css))}) ` +
    `in ${((performance.now() - started) / 1000).toFixed(1)} s\n` +
    `CSP for this page (written to playground.csp): ${csp}\n`,
);
