import pino from 'pino';
import { seedDemoContent } from '../src/db/seed';
import { FRONT_PAGE_QUERY } from '../bench/queries';
import { startTestApp, type TestApp } from './setup/harness';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await t.reset();
});
afterAll(() => t.close());

const silent = pino({ level: 'silent' });

describe('demo content', () => {
  it('seeds an empty database once, and never over existing content', async () => {
    expect(await seedDemoContent(t.app.dataSource, silent)).toBe(true);
    expect(await seedDemoContent(t.app.dataSource, silent)).toBe(false);
    const [{ count }] = await t.app.dataSource.query('SELECT count(*)::int AS count FROM article');
    expect(count).toBeGreaterThanOrEqual(14);
  });

  it('gives a front page of at least 12 published articles, hiding the draft, the scheduled one and pending comments', async () => {
    const response = await t.gql(FRONT_PAGE_QUERY, { first: 50, comments: 20 });
    expect(response.body.errors).toBeUndefined();
    const nodes = response.body.data?.articles.edges.map((edge: any) => edge.node);
    expect(nodes.length).toBeGreaterThanOrEqual(12);
    const [{ hidden }] = await t.app.dataSource.query(`SELECT count(*)::int AS hidden FROM article WHERE status IN ('DRAFT', 'SCHEDULED')`);
    expect(hidden).toBeGreaterThanOrEqual(2);
    const [{ total }] = await t.app.dataSource.query(`SELECT count(*)::int AS total FROM article`);
    expect(nodes.length).toBe(total - hidden);

    const authors = await t.gql(`{ authors { totalCount } sections { slug } tags { totalCount } }`);
    expect(authors.body.data?.authors.totalCount).toBeGreaterThanOrEqual(4);
    expect(authors.body.data?.sections.length).toBeGreaterThanOrEqual(4);
    expect(authors.body.data?.tags.totalCount).toBeGreaterThan(0);

    const [{ pending }] = await t.app.dataSource.query(`SELECT count(*)::int AS pending FROM comment WHERE status = 'PENDING'`);
    expect(pending).toBeGreaterThan(0);
    const [{ approved }] = await t.app.dataSource.query(`SELECT count(*)::int AS approved FROM comment WHERE status = 'APPROVED'`);
    const shownCount = nodes.reduce((sum: number, node: any) => sum + node.commentCount, 0);
    expect(shownCount).toBe(approved);
  });

  it('has the stories a newsroom would lead with, and threads with replies', async () => {
    const response = await t.gql(`{ searchArticles(query: "summit", first: 5) { totalCount } concert: searchArticles(query: "concert") { totalCount }
      article: articles(first: 50) { edges { node { comments(first: 50) { edges { node { replyCount } } } } } } }`);
    expect(response.body.data?.searchArticles.totalCount).toBeGreaterThan(0);
    expect(response.body.data?.concert.totalCount).toBeGreaterThan(0);
    const replies = response.body.data?.article.edges.flatMap((edge: any) => edge.node.comments.edges.map((c: any) => c.node.replyCount));
    expect(Math.max(...replies)).toBeGreaterThan(0);
  });
});
