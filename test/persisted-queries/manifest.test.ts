import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { ConfigError, loadConfig } from '../../src/config';
import { formatManifest, parseManifest } from '../../src/persisted-queries/manifest';
import { findGraphQLFiles, generateOperations, ManifestGenerationError } from '../../src/persisted-queries/manifest-generator';
import { buildAppSchema } from '../../src/schema';

/**
 * The manifest: what `npm run persisted-queries:generate` writes from a client's .graphql files, and what start-up
 * accepts in PERSISTED_QUERY_MANIFEST (a gateway in safelist mode does not start without a good one).
 */
let schema: GraphQLSchema;
let directory: string;
beforeAll(async () => {
  schema = await buildAppSchema();
});
beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'masthead-manifest-'));
});
afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

function write(relative: string, text: string): string {
  const file = path.join(directory, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const generate = (...paths: string[]) =>
  generateOperations(
    findGraphQLFiles(paths).map((file) => ({ path: file, text: fs.readFileSync(file, 'utf8') })),
    schema,
  );

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ManifestGenerationError) return [...error.problems];
    throw error;
  }
  throw new Error('no ManifestGenerationError');
}

describe('generating the manifest', () => {
  it('lists every named operation of every .graphql and .gql file, with the fragments it uses, sorted by name, ids the sha256 of each body', () => {
    write('a/zeta.graphql', `query Zeta { articles(first: 1) { edges { node { ...Teaser } } } }\nfragment Unused on Article { slug }`);
    write('a/b/teaser.gql', `fragment Teaser on Article { id ...Byline }\nfragment Byline on Article { title }`);
    write('alpha.graphql', `mutation Alpha($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`);
    write('notes.txt', `query Ignored { __typename }`);
    const operations = generate(directory);
    expect(operations.map(({ name, type }) => ({ name, type }))).toEqual([
      { name: 'Alpha', type: 'mutation' },
      { name: 'Zeta', type: 'query' },
    ]);
    for (const operation of operations) expect(operation.id).toBe(createHash('sha256').update(operation.body).digest('hex'));
    const zeta = operations[1].body;
    expect(zeta).toMatch(/^query Zeta \{\n {2}articles\(first: 1\)/);
    expect(zeta).toContain('fragment Teaser on Article');
    expect(zeta).toContain('fragment Byline on Article');
    expect(zeta).not.toContain('Unused');
    // What start-up reads back.
    expect(parseManifest(JSON.parse(formatManifest([...operations].reverse()))).operations.map((operation) => operation.name)).toEqual(['Alpha', 'Zeta']);
  });

  it('gives the same id whatever the file’s formatting', () => {
    write('one/q.graphql', `query Same { __typename }`);
    write('two/q.graphql', `# a comment\nquery   Same\n{\n  __typename\n}\n`);
    expect(generate(path.join(directory, 'one'))[0].id).toBe(generate(path.join(directory, 'two'))[0].id);
  });

  it('refuses an invalid operation, naming its file and line', () => {
    const file = write('broken.graphql', `query Fine { __typename }\n\nquery Broken {\n  articles(first: 1) { nope }\n}`);
    const problems = problemsOf(() => generate(file));
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${escape(file)}:4: Cannot query field "nope" on type "ArticleConnection"`))]);
  });

  it('refuses a syntax error, an anonymous operation and two operations with one name', () => {
    const first = write('first.graphql', `query Twice { __typename }`);
    const second = write('second.graphql', `query Twice { __typename }\n{ __typename }`);
    const broken = write('syntax.graphql', `query Oops {`);
    const problems = problemsOf(() => generate(directory));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${escape(second)}:1: operation Twice is already defined at ${escape(first)}:1`)),
        expect.stringMatching(new RegExp(`^${escape(second)}:2: an anonymous query`)),
        expect.stringMatching(new RegExp(`^${escape(broken)}:1: Syntax Error`)),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('runs as `npm run persisted-queries:generate` does: writes the file, or exits non-zero and writes nothing', async () => {
    // The script as the build compiles it; tsc is slow on a small machine, so only this test pays for it.
    const buildDir = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'masthead-persisted-queries');
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', buildDir, '--tsBuildInfoFile', path.join(buildDir, '.tsbuildinfo')]);
    const script = path.join(buildDir, 'scripts', 'persisted-queries.js');
    write('client/front.graphql', `query Front { articles(first: 3) { totalCount } }`);
    const out = path.join(directory, 'manifest.json');

    const written = await run(process.execPath, [script, path.join(directory, 'client'), '--out', out]);
    expect(written).toMatchObject({ code: 0, stdout: expect.stringContaining('wrote 1 operation') });
    expect(parseManifest(JSON.parse(fs.readFileSync(out, 'utf8'))).operations).toEqual([expect.objectContaining({ name: 'Front', type: 'query' })]);

    fs.rmSync(out);
    write('client/bad.graphql', `query Bad { nothingHere }`);
    const refused = await run(process.execPath, [script, path.join(directory, 'client'), '--out', out]);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/bad\.graphql:1: Cannot query field "nothingHere"/) });
    expect(fs.existsSync(out)).toBe(false);

    expect(await run(process.execPath, [script, '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('--out FILE') });
  }, 180_000);
});

describe('PERSISTED_QUERY_MANIFEST at start-up', () => {
  const only = (file: string) => ({ PERSISTED_QUERIES: 'only', PERSISTED_QUERY_MANIFEST: file });

  it('defaults to automatic persisted queries kept 24 hours under masthead:apq:', () => {
    expect(loadConfig({}).persistedQueries).toEqual({ mode: 'automatic', ttlSeconds: 24 * 3600, redisKeyPrefix: 'masthead:apq:' }); // REDIS_KEY_PREFIX + 'apq:'
    expect(loadConfig({ PERSISTED_QUERIES: 'off' }).persistedQueries).toEqual({ mode: 'off' });
  });

  it('reads the manifest, relative to the working directory', () => {
    write('ok.graphql', `query Ok { __typename }`);
    const file = path.join(directory, 'persisted-queries.json');
    fs.writeFileSync(file, formatManifest(generate(directory)));
    const config = loadConfig(only(path.relative(process.cwd(), file)));
    expect(config.persistedQueries).toMatchObject({ mode: 'only', manifestFile: file, manifest: { operations: [expect.objectContaining({ name: 'Ok' })] } });
  });

  it.each([
    ['a missing file', () => path.join(directory, 'missing.json'), /no file at/],
    ['a file that is not JSON', () => write('bad.json', '{ "format": '), /is not JSON/],
    ['JSON that is not a manifest', () => write('other.json', JSON.stringify({ format: 'something-else', version: 1, operations: [] })), /apollo-persisted-query-manifest/],
    [
      'an id that is not its body’s sha256',
      () => write('lying.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a'.repeat(64), name: 'Q', type: 'query', body: 'query Q { __typename }' }] })),
      /id is not the sha256 of its body/,
    ],
  ])('stops start-up on %s, naming PERSISTED_QUERY_MANIFEST', (_case, file, reason) => {
    const attempt = () => loadConfig(only(file()));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PERSISTED_QUERY_MANIFEST: /);
    expect(attempt).toThrow(reason);
  });

  it.each([
    ['PERSISTED_QUERIES', 'sometimes'],
    ['PERSISTED_QUERY_TTL_HOURS', '0'],
  ])('stops start-up when %s=%p, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: path.join(__dirname, '..', '..'), timeout: 170_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}
