import http from 'node:http';
import { FRONT_PAGE_QUERY } from '../bench/queries';
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
});
