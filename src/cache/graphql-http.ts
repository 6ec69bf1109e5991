import crypto, { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { Kind, parse } from 'graphql';
import type { Logger } from 'pino';
import type { RequestContext } from '../context';
import { boundedCache } from '../shared/query-caches';
import { cacheControlHeader, PRIVATE } from './cache-policy';
import { ANY_ARTICLE, ANY_COMMENTS, cacheTag, MAX_MEMBER_TAGS, MAX_TAG_HEADER_BYTES } from './cache-tags';
import type { CachedResponse, Filled, ResponseCache } from './response-cache';

/** Query texts whose operation kind (query or not) is remembered, so misses of the same query can share one fill. */
const OPERATION_KINDS_KEPT = 2_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface GraphQLParams {
  /** sha256 of the query text, or the persisted query's hash when only that was sent. */
  queryHash: string | null;
  queryText: string | null;
  operationName: string | null;
  variables: string;
}

function paramsOf(req: Request): GraphQLParams | null {
  if (req.method === 'GET') {
    const search = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1));
    // A repeated parameter is Apollo's to refuse, never a cache hit.
    for (const name of ['query', 'variables', 'operationName', 'extensions']) if (search.getAll(name).length > 1) return null;
    const queryText = search.get('query');
    const variables = search.get('variables');
    let canonical = 'null';
    if (variables !== null) {
      try {
        canonical = JSON.stringify(JSON.parse(variables) ?? null); // as a POST body's would be
      } catch {
        return null; // Apollo reports it
      }
    }
    return withHash(queryText, search.get('extensions'), search.get('operationName'), canonical);
  }
  if (req.method !== 'POST' || typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) return null;
  const body = req.body as Record<string, unknown>;
  if (body.query !== undefined && typeof body.query !== 'string') return null;
  // In a POST body, extensions must be an object (Apollo refuses a string).
  if (body.extensions !== undefined && (typeof body.extensions !== 'object' || Array.isArray(body.extensions))) return null;
  return withHash((body.query as string | undefined) ?? null, body.extensions ?? null, body.operationName ?? null, JSON.stringify(body.variables ?? null));
}

function withHash(queryText: string | null, extensions: unknown, operationName: unknown, variables: string): GraphQLParams | null {
  if (operationName !== null && typeof operationName !== 'string') return null;
  let persistedHash: unknown;
  try {
    const parsed = typeof extensions === 'string' ? (JSON.parse(extensions) as unknown) : extensions;
    persistedHash = (parsed as { persistedQuery?: { sha256Hash?: unknown } } | null)?.persistedQuery?.sha256Hash ?? null;
  } catch {
    return null;
  }
  const textHash = queryText !== null ? sha256(queryText) : null;
  // A query with a hash that does not match it is Apollo's to refuse, never a cache hit.
  if (persistedHash !== null && (typeof persistedHash !== 'string' || (textHash !== null && persistedHash !== textHash))) return null;
  const queryHash = textHash ?? (persistedHash as string | null);
  return queryHash ? { queryHash, queryText, operationName, variables } : null;
}

export interface GraphQLHttpOptions {
  apollo: ApolloServer<RequestContext>;
  /** CORS_ORIGINS: with `*`, the fast path answers any origin as the cors middleware would. */
  corsOrigins: readonly string[];
  /** Null when RESPONSE_CACHE=false: responses still carry their Cache-Control, ETag and tags. */
  cache: ResponseCache | null;
  createContext: (req: Request, res: Response) => RequestContext;
  log: Logger;
}

/**
 * /graphql over HTTP: Apollo answers, and this decides what may be kept. Anonymous GET and POST queries are looked up
 * in the response cache first (fresh: sent; stale within stale-while-revalidate: sent while one refresh runs); a miss
 * runs Apollo once for every identical concurrent miss. Every public response carries Cache-Control, a strong ETag
 * (304 on If-None-Match) and its cache tags (Surrogate-Key, Cache-Tag) for a CDN; anything with a token, a viewer
 * token, staff or private data, errors or a mutation is `private, no-store`.
 */
export function graphqlHttpHandler(options: GraphQLHttpOptions): { handler: RequestHandler; serveFreshGet: (req: IncomingMessage, res: ServerResponse) => boolean } {
  const { apollo, cache, createContext, log } = options;
  // The cache key of each GET URL (with its Accept header) this handler has answered, so that the next GET of the same
  // URL can be served by serveFreshGet before Express and Apollo see it.
  const keysByUrl = boundedCache<string, string>(GET_URLS_KEPT, { bytes: GET_URL_BYTES_KEPT, sizeOf: (cacheKey, url) => url.length + cacheKey.length });
  const corsHeader = options.corsOrigins.includes('*') ? '*' : null;
  // What the cors middleware would add to a fresh hit: any origin, or (with a list, and no Origin header) Vary: Origin.
  const corsPair = corsHeader ? ['access-control-allow-origin', corsHeader] : ['vary', 'Origin'];
  // Whether a query text (and operation) is a query: only queries may share a fill. Parsed once; a persisted query
  // sent by hash alone is learned from its first run.
  const isQuery = boundedCache<string, boolean>(OPERATION_KINDS_KEPT);

  const run = async (req: Request, res: Response): Promise<Filled & { headers: HeaderMap }> => {
    const context = createContext(req, res);
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: toApolloRequest(req), context: async () => context });
    if (response.body.kind !== 'complete') throw new Error('incremental delivery is not enabled');
    const body = response.body.string;
    const status = response.status ?? 200;
    const facts = context.cache.facts;
    const policy = facts && !context.cache.failed && status === 200 ? facts.policy : PRIVATE;
    const now = Date.now();
    const tags = policy.scope === 'public' && facts ? responseTags(facts.tags, context.cache.members.articles, facts.showsComments) : [];
    const shared = policy.scope === 'public' ? policy.sharedMaxAge * 1000 : 0;
    const staleFor = policy.scope === 'public' ? policy.staleWhileRevalidate * 1000 : 0;
    const cached: CachedResponse = {
      status,
      contentType: response.headers.get('content-type') ?? 'application/json; charset=utf-8',
      body,
      etag: policy.scope === 'public' ? strongEtag(body) : '',
      cacheControl: cacheControlHeader(policy),
      tags,
      storedAt: now,
      freshUntil: now + shared,
      staleUntil: now + shared + staleFor,
    };
    return { response: cached, keep: policy.scope === 'public', headers: response.headers };
  };

  const handler: RequestHandler = async (req, res, next) => {
    try {
      const params = cache && res.locals.viewer?.kind === 'anonymous' ? paramsOf(req) : null;
      const key = params ? keyOf(params, req) : null;
      // originalUrl: under app.use('/graphql'), Express strips the mount path from req.url.
      if (key && req.method === 'GET') keysByUrl.set(urlKeyOf(req.originalUrl, req), key);
      if (!cache || !params || !key) {
        const ran = await run(req, res);
        send(req, res, ran.response, null, ran.headers);
        return;
      }
      const kindKey = `${params.queryHash}\n${params.operationName ?? ''}`;
      let query = isQuery.get(kindKey);
      if (query === undefined && params.queryText !== null) isQuery.set(kindKey, (query = isQueryOperation(params.queryText, params.operationName)));
      if (query === false) {
        const ran = await run(req, res);
        send(req, res, ran.response, null, ran.headers);
        return;
      }
      const found = await cache.lookup(key);
      if (found.state !== 'miss') {
        send(req, res, found.response, found.state === 'fresh' ? 'HIT' : 'STALE');
        if (found.state === 'stale' && !cache.isFilling(key)) {
          cache.fill(key, () => run(req, res), true).catch((error: unknown) => log.warn({ err: error }, 'refreshing a stale cached response failed'));
        }
        return;
      }
      const filled = await cache.fill(
        key,
        async () => {
          const ran = await run(req, res);
          // Only a kept answer proves it a query (an unregistered persisted query's refusal proves nothing).
          if (query === undefined && ran.keep) isQuery.set(kindKey, true);
          return ran;
        },
        query === true,
      );
      send(req, res, filled.response, filled.keep ? 'MISS' : null, filled.headers);
    } catch (error) {
      next(error);
    }
  };

  /**
   * The hot path: an anonymous GET whose answer is fresh in this instance's memory is written straight to the socket,
   * before Express, the access log and Apollo (each costs more than the lookup). Anything else (a token, an Origin to
   * check against a list, a URL not seen yet, a stale or missing entry) returns false and takes the full path.
   */
  const serveFreshGet = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!cache || req.method !== 'GET' || !req.url?.startsWith('/graphql?') || req.headers.authorization !== undefined) return false;
    if (corsHeader === null && req.headers.origin !== undefined) return false;
    const key = keysByUrl.get(urlKeyOf(req.url, req));
    const entry = key && cache.freshInMemory(key);
    if (!entry) return false;
    const age = String(Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1000)));
    if (etagMatches(req.headers['if-none-match'], entry.etag)) {
      res.writeHead(304, [...corsPair, 'etag', entry.etag, 'cache-control', entry.cacheControl, 'age', age, 'x-cache', 'HIT']).end();
      return true;
    }
    const made = sendableOf(entry);
    // A flat [name, value, ...] list: the cheapest form writeHead takes.
    res.writeHead(entry.status, made.rawHeaders.concat(corsPair, 'age', age));
    res.end(made.bytes);
    return true;
  };

  return { handler, serveFreshGet };
}

/** GET URLs whose cache key is remembered for the fast path: by count, and by size (a URL can be 16 kB long). */
const GET_URLS_KEPT = 5_000;
const GET_URL_BYTES_KEPT = 8 * 1024 * 1024;

const urlKeyOf = (url: string, req: IncomingMessage) => `${url}\n${req.headers.accept ?? ''}`;

/** Per cached entry, its header block and body bytes, made once (the entry itself may be shared with Redis). */
const sendable = new WeakMap<CachedResponse, { rawHeaders: string[]; bytes: Buffer }>();

function sendableOf(entry: CachedResponse): { rawHeaders: string[]; bytes: Buffer } {
  let made = sendable.get(entry);
  if (!made) {
    const bytes = Buffer.from(entry.body);
    const rawHeaders = ['content-type', entry.contentType, 'content-length', String(bytes.length), 'cache-control', entry.cacheControl, 'etag', entry.etag, 'vary', 'Accept'];
    if (entry.tags.length) rawHeaders.push('surrogate-key', entry.tags.join(' '), 'cache-tag', entry.tags.join(','));
    rawHeaders.push('x-cache', 'HIT');
    made = { rawHeaders, bytes };
    sendable.set(entry, made);
  }
  return made;
}
const bytesOf = (entry: CachedResponse) => sendableOf(entry).bytes;

/** A strong validator of the body's bytes. Not a secret: sha256 where Node has the one-shot hash (20.12+), else the same the slower way. */
function strongEtag(body: string): string {
  const digest = typeof crypto.hash === 'function' ? crypto.hash('sha256', body, 'base64url') : crypto.createHash('sha256').update(body).digest('base64url');
  return `"${digest.slice(0, 32)}"`;
}

function isQueryOperation(text: string, operationName: string | null): boolean {
  try {
    const operations = parse(text, { noLocation: true, maxTokens: 10_000 }).definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    const chosen = operationName === null ? (operations.length === 1 ? operations[0] : undefined) : operations.find((operation) => operation.name?.value === operationName);
    return chosen?.operation === 'query';
  } catch {
    return false; // Apollo reports the syntax error
  }
}

/** The cache key: what the response depends on besides the data (the viewer is anonymous by now). */
function keyOf(params: GraphQLParams, req: Request): string {
  return sha256(JSON.stringify([params.queryHash, params.operationName, params.variables, req.headers.accept ?? '']));
}

function responseTags(queryTags: ReadonlySet<string>, articles: ReadonlySet<string>, showsComments: boolean): string[] {
  const tags = new Set(queryTags);
  const memberTagBytes = [...articles].reduce((sum, id) => sum + (showsComments ? 2 : 1) * (id.length + 12), 0);
  const queryTagBytes = [...queryTags].reduce((sum, tag) => sum + tag.length + 1, 0);
  if (articles.size * (showsComments ? 2 : 1) > MAX_MEMBER_TAGS || memberTagBytes + queryTagBytes > MAX_TAG_HEADER_BYTES) {
    tags.add(ANY_ARTICLE);
    if (showsComments) tags.add(ANY_COMMENTS);
  } else {
    for (const id of articles) {
      tags.add(cacheTag.article(id));
      if (showsComments) tags.add(cacheTag.comments(id));
    }
  }
  return [...tags].sort();
}

function toApolloRequest(req: Request): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  const queryAt = req.url.indexOf('?');
  return { method: req.method.toUpperCase(), headers, search: queryAt === -1 ? '' : req.url.slice(queryAt), body: req.body };
}

/** `cacheStatus` is null for responses the cache never holds. */
function send(req: Request, res: Response, response: CachedResponse, cacheStatus: 'HIT' | 'STALE' | 'MISS' | null, apolloHeaders?: HeaderMap): void {
  if (apolloHeaders) for (const [name, value] of apolloHeaders) res.setHeader(name, value);
  res.setHeader('content-type', response.contentType);
  res.setHeader('cache-control', response.cacheControl);
  if (response.etag) {
    res.setHeader('etag', response.etag);
    res.vary('Accept');
    if (response.tags.length) {
      res.setHeader('surrogate-key', response.tags.join(' '));
      res.setHeader('cache-tag', response.tags.join(','));
    }
    if (cacheStatus !== 'MISS' && cacheStatus !== null) res.setHeader('age', String(Math.max(0, Math.floor((Date.now() - response.storedAt) / 1000))));
  }
  if (cacheStatus) res.setHeader('x-cache', cacheStatus);
  if (response.etag && etagMatches(req.headers['if-none-match'], response.etag)) {
    res.status(304).end();
    return;
  }
  // A cached answer's bytes are made once and kept with it (the fast path sends the same ones); one sent once is
  // written as the string it is.
  res.status(response.status).end(cacheStatus !== null ? bytesOf(response) : response.body);
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
