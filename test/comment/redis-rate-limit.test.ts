import { randomInt } from 'node:crypto';
import { errorCodes, useTestApp } from '../setup/harness';

/**
 * With REDIS_URL the flood limits live in Redis, shared by every instance. This suite needs a Redis server, so it runs
 * where TEST_REDIS_URL names one (CI does); without it the rest of the suite covers the PostgreSQL store.
 */
const redisUrl = process.env.TEST_REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

describeWithRedis('flood limits kept in Redis', () => {
  const { t, f } = useTestApp({ TRUST_PROXY: 'true', REDIS_URL: redisUrl ?? 'redis://127.0.0.1:6379' });
  const ADD = `mutation ($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;

  it('refuses a second comment from one client within the window, and counts nothing in PostgreSQL', async () => {
    const article = await f.makeArticle();
    // A fresh address each run: Redis keeps counters between runs for the length of the window.
    const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
    const send = (n: number) =>
      t.gql(ADD, { input: { articleId: article.id, authorName: 'R', authorEmail: `redis-${ip}-${n}@example.com`, body: `Comment ${n}` } }, { 'x-forwarded-for': ip });
    expect((await send(1)).body.errors).toBeUndefined();
    expect(errorCodes(await send(2))).toEqual(['RATE_LIMITED']);
    expect(await t.app.dataSource.query(`SELECT * FROM "rate_limit"`)).toEqual([]);
  });

  it('gives back the points of a refused comment, as the PostgreSQL store does by rolling back', async () => {
    const article = await f.makeArticle();
    const first = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
    const second = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
    const email = `redis-busy-${first}@example.com`;
    const send = (ip: string, address: string, body: string) =>
      t.gql(ADD, { input: { articleId: article.id, authorName: 'R', authorEmail: address, body } }, { 'x-forwarded-for': ip });
    expect((await send(first, email, 'One')).body.errors).toBeUndefined();
    expect(errorCodes(await send(second, email, 'Two'))).toEqual(['RATE_LIMITED']);
    expect((await send(second, `other-${email}`, 'Three')).body.errors).toBeUndefined();
  });
});
