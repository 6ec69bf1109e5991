import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { ArticleStatus } from '../src/article/article.entity';
import { Role } from '../src/auth/role';
import { buildAppSchema } from '../src/schema';
import { useTestApp } from './setup/harness';

/**
 * Schema-driven fuzzing over real HTTP: documents generated from the schema itself (every root field, its arguments
 * and nested selections, fragments and aliases), with arguments as literals or as variables, valid or not: wrong types,
 * huge and fractional numbers, long, odd and NUL-bearing strings, forged cursors, unknown enum values, missing and
 * unknown input fields, bad operation names and broken syntax. Whatever comes in, the gateway answers as a client
 * mistake or with data: never HTTP 5xx and never INTERNAL_SERVER_ERROR. FUZZ_RUNS sets how many (2,000 by default);
 * a failure prints fast-check's seed and the smallest request that fails.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);

const { t, f } = useTestApp({ LOG_LEVEL: 'silent', COMMENT_FLOOD_SECONDS: '1' });

let schema: GraphQLSchema;
/** Real ids, slugs and cursors, so that generated queries reach past "not found". */
const known = { ids: [] as string[], slugs: [] as string[], cursors: [] as string[] };
let staffHeaders: Record<string, string>[] = [];

jest.setTimeout(300_000);

beforeAll(async () => {
  schema = await buildAppSchema();
});

beforeEach(async () => {
  const author = await f.makeAuthor({ slug: 'ada' });
  const section = await f.makeSection({ slug: 'news' });
  const tag = await f.makeTag({ slug: 'election' });
  const articles = [];
  for (let n = 0; n < 4; n++) articles.push(await f.makeArticle({ author, section, tags: [tag], slug: `story-${n}`, title: `Election story ${n}` }));
  const draft = await f.makeArticle({ author, status: ArticleStatus.DRAFT, slug: 'draft' });
  const comment = await f.makeComment(articles[0]);
  const reply = await f.makeComment(articles[0], { parent: comment });
  const page = await t.gql('{ articles(first: 1) { pageInfo { endCursor } } authors(first: 1) { pageInfo { endCursor } } searchArticles(query: "election", first: 1) { pageInfo { endCursor } } }');
  const data = page.body.data ?? {};
  known.ids = [...articles.map((a) => a.id), draft.id, author.id, section.id, tag.id, comment.id, reply.id];
  known.slugs = ['ada', 'news', 'election', 'story-0', 'draft'];
  known.cursors = [data.articles?.pageInfo.endCursor, data.authors?.pageInfo.endCursor, data.searchArticles?.pageInfo.endCursor].filter(Boolean);
  staffHeaders = [(await t.staff(Role.ADMIN)).headers, (await t.staff(Role.ANALYST)).headers, (await t.staff(Role.AUTHOR, { authorId: author.id })).headers];
});

/** Strings that have broken parsers and databases before: empty, long, control and NUL, surrogates, SQL and markup. */
const oddStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u001f\u007f',
  '\uFEFF',
  '\u2028\u2029',
  '😀'.repeat(50),
  'x'.repeat(10_000),
  "' OR 1=1 --",
  '%',
  '_',
  '\\',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '-1',
  '1e309',
  'NaN',
  '2026-02-30T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-01-01T00:00:00Z',
  'null',
  '00000000-0000-0000-0000-000000000000',
  'eyJ4IjoxfQ',
  Buffer.from(JSON.stringify(['search', 1e-320, '00000000-0000-4000-8000-000000000000'])).toString('base64url'),
  Buffer.from(JSON.stringify(['article-views', 1.5])).toString('base64url'),
  Buffer.from(JSON.stringify(['authors', 'a', 'not-a-uuid'])).toString('base64url'),
  Buffer.from(JSON.stringify(['authors', 'a\u0000b', '00000000-0000-4000-8000-000000000000'])).toString('base64url'),
  Buffer.from(JSON.stringify(['tags', 'a\u0000b', '00000000-0000-4000-8000-000000000000'])).toString('base64url'),
);

const oddNumbers = fc.constantFrom(0, -1, 1, 2, 20, 100, 101, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e20, 1e308, -1e308, 0.5, -0.000001, 5e-324);

function scalarValue(type: GraphQLNamedType): fc.Arbitrary<unknown> {
  const anyString = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), oddStrings);
  const idLike = fc.oneof(fc.constantFrom(...known.ids), fc.uuid(), anyString);
  switch (type.name) {
    case 'Int':
      return fc.oneof(fc.integer({ min: -5, max: 120 }), oddNumbers);
    case 'Float':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), oddNumbers);
    case 'Boolean':
      return fc.boolean();
    case 'ID':
      return idLike;
    case 'DateTimeISO':
      return fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), oddStrings);
    case 'JSONObject':
      return fc.oneof(fc.object({ maxDepth: 2 }), anyString);
    default:
      return fc.oneof(fc.constantFrom(...known.slugs, ...known.cursors), anyString);
  }
}

/** `arbitrary` one time in eight, else undefined (fc.option's freq is the other way round: one nil in freq). */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/** A value for an input type: mostly of that type, sometimes of another kind altogether. */
function inputValue(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.string({ maxLength: 10 }), oddNumbers, fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
  if (isNonNullType(type)) return fc.oneof({ weight: 9, arbitrary: inputValue(type.ofType, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  const right: fc.Arbitrary<unknown> = (() => {
    if (isListType(type)) return depth > 3 ? fc.constant([]) : fc.array(inputValue(type.ofType, depth + 1), { maxLength: 4 });
    if (isEnumType(type)) return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...type.getValues().map((value) => value.name)) }, { weight: 1, arbitrary: fc.constantFrom('NOPE', 'published', '') });
    if (isInputObjectType(type)) {
      if (depth > 3) return fc.constant({});
      const fields = Object.values(type.getFields());
      return fc
        .tuple(
          fc.tuple(...fields.map((field) => fc.option(inputValue(field.type, depth + 1), { freq: isNonNullType(field.type) ? 10 : 2, nil: undefined }))),
          rarely(fc.dictionary(fc.constantFrom('unknownField', 'x'), fc.string({ maxLength: 5 }), { maxKeys: 1 })),
        )
        .map(([values, extra]) => ({ ...Object.fromEntries(fields.map((field, index) => [field.name, values[index]]).filter(([, value]) => value !== undefined)), ...extra }));
    }
    return scalarValue(type as GraphQLNamedType);
  })();
  return fc.oneof({ weight: 24, arbitrary: right }, { weight: 1, arbitrary: wrong }, { weight: 1, arbitrary: fc.constant(null) });
}

/** A value written in GraphQL's literal syntax (enum-typed strings as enum names). */
function literal(value: unknown, type: GraphQLInputType): string {
  const named = getNamedType(type);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, isListType(type) ? type.ofType : isNonNullType(type) && isListType(type.ofType) ? type.ofType.ofType : type)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = isInputObjectType(named) ? named.getFields() : {};
    return `{ ${Object.entries(value)
      .map(([key, inner]) => `${key}: ${literal(inner, fields[key]?.type ?? named)}`)
      .join(', ')} }`;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'string' && isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value) && !['true', 'false', 'null'].includes(value)) return value;
  return JSON.stringify(value);
}

interface Generated {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string | null;
  staff: number | null;
  get: boolean;
}

/** A whole request: one operation (or a broken one) on Query or Mutation, with its variables. */
function request(): fc.Arbitrary<Generated> {
  const queryFields = Object.values(schema.getQueryType()?.getFields() ?? {});
  const mutationFields = Object.values(schema.getMutationType()?.getFields() ?? {});
  const rootField = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...queryFields).map((field) => ['query', field] as const) }, { weight: 1, arbitrary: fc.constantFrom(...mutationFields).map((field) => ['mutation', field] as const) });
  return fc
    .record({
      roots: fc.array(rootField, { minLength: 1, maxLength: 3 }),
      seed: fc.integer({ min: 0, max: 2 ** 30 }),
      asVariables: fc.boolean(),
      name: fc.option(fc.constantFrom('Q', 'Front', 'x'.repeat(300)), { nil: undefined }),
      operationName: rarely(fc.constantFrom('Q', 'Nope', '', 'Front')),
      staff: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
      get: fc.boolean(),
      breakage: rarely(fc.constantFrom('truncate', 'brace', 'second-operation', 'unknown-field')),
    })
    .chain(({ roots, seed, asVariables, name, operationName, staff, get, breakage }) => {
      const kind = roots[0][0];
      const fields = roots.filter(([rootKind]) => rootKind === kind).map(([, field]) => field);
      const argumentValues = fields.map((field) => fc.tuple(...field.args.map((arg) => fc.option(inputValue(arg.type), { freq: isNonNullType(arg.type) ? 10 : 2, nil: undefined }))));
      return fc.tuple(...argumentValues).map((valuesByField) => {
        const random = mulberry(seed);
        const variables: Record<string, unknown> = {};
        const definitions: string[] = [];
        const selections = fields.map((field, index) => {
          const args = field.args
            .map((arg, argIndex) => [arg, valuesByField[index][argIndex]] as const)
            .filter(([, value]) => value !== undefined)
            .map(([arg, value]) => {
              if (!asVariables) return `${arg.name}: ${literal(value, arg.type)}`;
              const variable = `v${definitions.length}`;
              definitions.push(`$${variable}: ${random() < 0.97 ? String(arg.type) : 'String'}`);
              variables[variable] = value;
              return `${arg.name}: $${variable}`;
            });
          return `${random() < 0.3 ? `a${index}: ` : ''}${field.name}${args.length ? `(${args.join(', ')})` : ''}${selectionOf(field, random, 0)}`;
        });
        let query = `${kind}${name ? ` ${name}` : ''}${definitions.length ? `(${definitions.join(', ')})` : ''} { ${selections.join(' ')} }`;
        if (breakage === 'truncate') query = query.slice(0, Math.floor(query.length * random()));
        if (breakage === 'brace') query += ' }';
        if (breakage === 'second-operation') query += ' query Other { __typename }';
        if (breakage === 'unknown-field') query = query.replace('{ ', '{ noSuchField ');
        return { query, variables, operationName, staff, get: get && kind === 'query' } satisfies Generated;
      });
    });
}

/** Fields to select on a field's type, chosen by `random`, a few levels deep. */
function selectionOf(field: GraphQLField<unknown, unknown>, random: () => number, depth: number): string {
  const named = getNamedType(field.type);
  if (isLeafType(named)) return '';
  if (isUnionType(named) || isInterfaceType(named)) {
    const possible = schema.getPossibleTypes(named);
    return ` { __typename ${possible.map((type) => `... on ${type.name} ${objectSelection(type.getFields(), random, depth + 1)}`).join(' ')} }`;
  }
  return isObjectType(named) ? ` ${objectSelection(named.getFields(), random, depth + 1)}` : '';
}

function objectSelection(fields: Record<string, GraphQLField<unknown, unknown>>, random: () => number, depth: number): string {
  const all = Object.values(fields);
  // Deep down, leaves only: the depth and cost limits are not what is being tested.
  const candidates = depth > 3 ? all.filter((field) => isLeafType(getNamedType(field.type))) : all;
  const chosen = candidates.filter(() => random() < 0.35);
  if (!chosen.length) chosen.push(candidates[Math.floor(random() * candidates.length)] ?? all[0]);
  const parts = chosen.map((field) => {
    const args = field.args.filter((arg: GraphQLArgument) => isNonNullType(arg.type) && arg.defaultValue === undefined).map((arg) => `${arg.name}: ${literal(sampleArg(arg, random), arg.type)}`);
    return `${field.name}${args.length ? `(${args.join(', ')})` : ''}${selectionOf(field, random, depth)}`;
  });
  return `{ ${random() < 0.2 ? '__typename ' : ''}${parts.join(' ')} }`;
}

/** A plain value for a required argument of a nested field. */
function sampleArg(arg: GraphQLArgument, random: () => number): unknown {
  const named = getNamedType(arg.type);
  if (isEnumType(named)) return named.getValues()[Math.floor(random() * named.getValues().length)].name;
  if (isScalarType(named) && named.name === 'Int') return Math.floor(random() * 5) + 1;
  return known.ids[0];
}

function mulberry(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function send(generated: Generated): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = generated.staff === null ? {} : { ...staffHeaders[generated.staff] };
  const body: Record<string, unknown> = { query: generated.query, variables: generated.variables };
  if (generated.operationName !== undefined) body.operationName = generated.operationName;
  if (generated.get) {
    const params = new URLSearchParams({ query: generated.query, variables: JSON.stringify(generated.variables) });
    if (typeof generated.operationName === 'string') params.set('operationName', generated.operationName);
    if (params.toString().length < 8_000) {
      const response = await t.request(`/graphql?${params}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
      return { status: response.status, text: await response.text() };
    }
  }
  const response = await t.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

it(`answers ${RUNS} generated requests without a 5xx or an INTERNAL_SERVER_ERROR`, async () => {
  let answered = 0;
  // FUZZ_VERBOSE=1 prints how the answers were spread (status and error codes), to see what the generator reaches.
  const outcomes = new Map<string, number>();
  const examples = new Map<string, string>();
  await fc.assert(
    fc.asyncProperty(request(), async (generated) => {
      const { status, text } = await send(generated);
      answered++;
      if (process.env.FUZZ_VERBOSE) {
        const codes = [...text.matchAll(/"code":"([A-Z_]+)"/g)].map((match) => match[1]);
        const key = `${status} ${[...new Set(codes)].sort().join(',') || (text.includes('"data"') ? 'data' : '?')}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (!examples.has(key)) examples.set(key, `${generated.query.slice(0, 400)}\n  -> ${text.slice(0, 300)}`);
      }
      // 413 (a generated body over the limit) and 4xx in general are client errors; only the server's own are bugs.
      return status < 500 && !text.includes('INTERNAL_SERVER_ERROR');
    }),
    { numRuns: RUNS, endOnFailure: false, verbose: 1 },
  );
  if (process.env.FUZZ_VERBOSE) console.log([...examples].map(([key, example]) => `${key}: ${example}`).join('\n\n'));
  if (process.env.FUZZ_VERBOSE) console.log([...outcomes].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${count}\t${key}`).join('\n'));
  expect(answered).toBeGreaterThanOrEqual(RUNS);
});
