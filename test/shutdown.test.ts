import { FRONT_PAGE_QUERY } from '../bench/queries';
import { startTestApp } from './setup/harness';

describe('graceful shutdown', () => {
  it('finishes requests already in flight, then refuses new ones and closes the database', async () => {
    const t = await startTestApp();
    const inFlight = Array.from({ length: 5 }, () => t.gql(FRONT_PAGE_QUERY, { first: 20, comments: 5 }));
    // Let the requests reach the server before shutdown begins.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = t.close();
    const responses = await Promise.all(inFlight);
    await closing;
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(t.app.dataSource.isInitialized).toBe(false);
    await expect(t.gql(`{ sections { name } }`)).rejects.toThrow();
  });
});
