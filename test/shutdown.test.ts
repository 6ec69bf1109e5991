import http from 'node:http';
import { Client } from 'pg';
import { FRONT_PAGE_QUERY } from '../bench/queries';
import { factories } from './setup/factories';
import { startTestApp } from './setup/harness';

/** A POST on its own connection (no keep-alive reuse), resolving to the status code once the whole body is read. */
function postOnFreshConnection(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/graphql`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('graceful shutdown', () => {
  it('finishes requests already in flight, then refuses new ones and closes the database', async () => {
    const t = await startTestApp();
    const body = JSON.stringify({ query: FRONT_PAGE_QUERY, variables: { first: 20, comments: 5 } });
    let received = 0;
    const allReceived = new Promise<void>((resolve) =>
      t.app.httpServer.on('request', () => {
        if (++received === 5) resolve();
      }),
    );
    const inFlight = Array.from({ length: 5 }, () => postOnFreshConnection(t.url, body));
    // Shut down once the server is working on all five (a request still in the accept queue is a load balancer's to retry).
    await allReceived;
    const closing = t.close();
    expect(await Promise.all(inFlight)).toEqual([200, 200, 200, 200, 200]);
    await closing;
    expect(t.app.dataSource.isInitialized).toBe(false);
    await expect(postOnFreshConnection(t.url, body)).rejects.toThrow(/ECONNREFUSED/);
  });

  // The embedded database runs one session at a time: the lock that holds the mutation back would hold back everything.
  (process.env.MASTHEAD_TEST_DATABASE_KIND === 'embedded' ? it.skip : it)(
    'lets an operation whose client hung up finish before the database closes',
    async () => {
      // A long grace, so a counter that never reached zero would show as a close that waits it out.
      const t = await startTestApp({ SHUTDOWN_GRACE_MS: '25000' });
      let closing: Promise<unknown> | null = null;
      await t.reset();
      const article = await factories(t.app.dataSource).makeArticle();
      const databaseUrl = process.env.MASTHEAD_TEST_DATABASE_URL as string;
      const blocker = new Client({ connectionString: databaseUrl });
      await blocker.connect();
      try {
        // Holds addComment's INSERT back, so the operation is still running when its client hangs up and shutdown begins.
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE "comment" IN EXCLUSIVE MODE');
        const mutation = `mutation ($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
        const input = { articleId: article.id, authorName: 'Late reader', authorEmail: 'late@example.com', body: 'Sent just before the restart.' };
        const request = http.request(`${t.url}/graphql`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
        request.on('error', () => undefined);
        request.end(JSON.stringify({ query: mutation, variables: { input } }));
        await waitFor(async () => {
          const { rows } = await blocker.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
          );
          return rows.length > 0;
        });
        request.destroy();
        let closed = false;
        closing = t.close().then(() => (closed = true));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(closed).toBe(false);
        await blocker.query('COMMIT');
        const released = Date.now();
        await closing;
        expect(Date.now() - released).toBeLessThan(2_000);
        const { rows } = await blocker.query(`SELECT "body" FROM "comment" WHERE "author_email" = 'late@example.com'`);
        expect(rows).toEqual([{ body: 'Sent just before the restart.' }]);
      } finally {
        await blocker.end();
        await (closing ?? t.close());
      }
    },
  );
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
