import { escapeUTF8 } from 'entities';
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/unavailable';
import { AppError } from '../shared/errors';
import type { NewsletterService } from './newsletter.service';

/**
 * One-click unsubscribe over plain HTTP, for the List-Unsubscribe link in every mail (RFC 8058): GET shows a page with
 * a button and changes nothing (mail scanners follow links); POST, from that button or from the mail client with
 * List-Unsubscribe=One-Click, unsubscribes.
 */
export function newsletterRoutes(newsletter: NewsletterService, log: Logger): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '2kb' }));
  router.use((_request, response, next) => {
    // The pages carry a button that changes state: never inside someone else's frame.
    response.set({ 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "frame-ancestors 'none'; default-src 'none'; form-action 'self'", 'Cache-Control': 'no-store' });
    next();
  });

  router.get('/newsletter/unsubscribe', (request, response) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    response
      .type('html')
      .send(
        page(
          'Unsubscribe',
          `<p>Stop receiving our newsletter?</p>
           <form method="post" action="/newsletter/unsubscribe?token=${encodeURIComponent(token)}">
             <button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe</button>
           </form>`,
        ),
      );
  });

  router.post('/newsletter/unsubscribe', async (request, response) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    try {
      await newsletter.unsubscribe(token);
      response.type('html').send(page('Unsubscribed', '<p>You are unsubscribed and will get no more newsletters from us.</p>'));
    } catch (error) {
      if (error instanceof AppError) {
        response.status(400).type('html').send(page('Link not valid', `<p>${escapeUTF8(error.message)}</p>`));
        return;
      }
      if (isDatabaseUnavailable(error)) {
        log.warn({ err: error }, 'one-click unsubscribe: the database is unavailable');
        response.status(503).set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)).type('html').send(page('Try again shortly', '<p>We could not reach our records just now. Please try again in a few seconds.</p>'));
        return;
      }
      log.error({ err: error }, 'one-click unsubscribe failed');
      response.status(500).type('html').send(page('Something went wrong', '<p>Please try again later.</p>'));
    }
  });
  return router;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>${escapeUTF8(title)}</title></head><body><h1>${escapeUTF8(title)}</h1>${body}</body></html>`;
}
