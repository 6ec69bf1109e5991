import type { ApolloServer } from '@apollo/server';
import cors from 'cors';
import type { RequestListener } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './config';
import type { Viewer } from './auth/auth.service';
import type { RequestContext, Services } from './context';
import { graphqlHttpHandler } from './cache/graphql-http';
import type { ResponseCache } from './cache/response-cache';
import { newsletterRoutes } from './newsletter/newsletter.http';
import { playgroundRoutes } from './playground';
import { clientInfo, type ClientInfo } from './shared/client';
import { refuseDeepJson } from './shared/request-guards';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './db/unavailable';
import { DATABASE_UNAVAILABLE_MESSAGE } from './shared/format-error';

/** How long /readyz waits for the database before reporting not ready. */
const READINESS_TIMEOUT_MS = 2_000;

function graphqlErrorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/**
 * The HTTP surface: /graphql (Apollo), /healthz (the process is up), /readyz (the database answers). Body size is
 * capped before any parsing, and every HTTP-level failure is answered as a GraphQL error body with a code.
 */
export function createHttpApp(options: {
  config: AppConfig;
  log: Logger;
  apollo: ApolloServer<RequestContext>;
  dataSource: DataSource;
  services: Services;
  responseCache: ResponseCache | null;
  createContext: (client: ClientInfo, viewer: Viewer) => RequestContext;
}): RequestListener {
  const { config, log, apollo, dataSource, services, responseCache, createContext } = options;
  const app = express();
  app.disable('x-powered-by');
  // A hash of every 50 kB response costs CPU for nothing: POST responses are not revalidated.
  app.set('etag', false);
  // Which X-Forwarded-For hops to believe about the client's address (TRUST_PROXY); Express's proxy-addr does the parsing.
  app.set('trust proxy', config.trustProxy);

  app.use(
    pinoHttp({
      logger: log,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // No client addresses, headers or query strings (which can hold tokens) in the log: method, path and id only.
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, path: req.url?.split('?')[0] }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    try {
      await withTimeout(dataSource.query('SELECT 1'), READINESS_TIMEOUT_MS);
      res.json({ status: 'ready' });
    } catch (error) {
      log.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: 'database' });
    }
  });

  app.use(playgroundRoutes(config.playground));

  const graphql = graphqlHttpHandler({
    apollo,
    cache: responseCache,
    corsOrigins: config.http.corsOrigins,
    log,
    createContext: (req, res) => createContext(clientInfo(req, config.secret), res.locals.viewer as Viewer),
  });
  const readerJson = express.json({ limit: config.http.maxBodyBytes });
  const staffJson = express.json({ limit: config.http.staffMaxBodyBytes });
  const refuseDeep = refuseDeepJson();

  app.use(
    '/graphql',
    cors({ origin: config.http.corsOrigins.includes('*') ? '*' : [...config.http.corsOrigins], maxAge: 600 }),
    (req, res, next) => {
      if (req.method === 'POST' && !req.is('application/json')) {
        res.status(415).json(graphqlErrorBody('Send GraphQL requests as JSON (Content-Type: application/json).', 'UNSUPPORTED_MEDIA_TYPE'));
        return;
      }
      next();
    },
    // The token is recognised before the body is read, so staff get the larger body limit and nobody else does.
    async (req, res, next) => {
      try {
        res.locals.viewer = await services.auth.recognise(req.get('authorization'));
        res.locals.maxBodyBytes = res.locals.viewer.kind === 'staff' ? config.http.staffMaxBodyBytes : config.http.maxBodyBytes;
        (res.locals.viewer.kind === 'staff' ? staffJson : readerJson)(req, res, (error?: unknown) => (error ? next(error) : refuseDeep(req, res, next)));
      } catch (error) {
        next(error);
      }
    },
    graphql.handler,
  );

  app.use(newsletterRoutes(services.newsletter, log));

  app.use((_req, res) => {
    res.status(404).json(graphqlErrorBody('Not found. The GraphQL endpoint is /graphql.', 'NOT_FOUND'));
  });

  const handleError: ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json(graphqlErrorBody(`The request body is larger than ${res.locals.maxBodyBytes ?? config.http.maxBodyBytes} bytes.`, 'PAYLOAD_TOO_LARGE'));
    } else if (type === 'entity.parse.failed') {
      res.status(400).json(graphqlErrorBody('The request body is not valid JSON.', 'BAD_REQUEST'));
    } else if (isDatabaseUnavailable(error)) {
      // Reading the caller's token (before GraphQL) needs the database too.
      log.warn({ err: error }, 'the database is unavailable');
      res.status(503).set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)).json(graphqlErrorBody(DATABASE_UNAVAILABLE_MESSAGE, 'SERVICE_UNAVAILABLE'));
    } else if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
      res.status(error.status).json(graphqlErrorBody('The request could not be read.', 'BAD_REQUEST'));
    } else {
      log.error({ err: error }, 'unhandled HTTP error');
      res.status(500).json(graphqlErrorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
    }
  };
  app.use(handleError);
  // Fresh cached GETs skip Express and the access log, which logs a 2xx at debug only: with debug on, nothing skips it.
  if (log.isLevelEnabled('debug')) return app;
  return (req, res) => {
    if (!graphql.serveFreshGet(req, res)) app(req, res);
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
