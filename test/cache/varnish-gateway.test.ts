import { ArticleStatus } from '../../src/article/article.entity';
import { Role } from '../../src/auth/role';
import { factories, type Factories } from '../setup/factories';
import { startTestApp, type TestApp } from '../setup/harness';
import { freePort, startVarnish, varnishRequired, varnishUnavailable, type TestVarnish } from '../setup/varnish';

/**
 * A real Varnish (docs/varnish/masthead.vcl) in front of the real gateway, which purges it (CDN_PURGE_URL, style
 * xkey) when content changes: what a reader behind a CDN sees after a publish.
 */

const unavailable = varnishUnavailable();
const describeWithVarnish = !unavailable || varnishRequired() ? describe : describe.skip;

const BY_SECTION = `query ($section: String!) { articles(filter: { section: $section }) { edges { node { title } } } }`;

describeWithVarnish(`Varnish in front of the gateway${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let t: TestApp;
  let varnish: TestVarnish;
  let f: Factories;

  beforeAll(async () => {
    const varnishPort = await freePort();
    t = await startTestApp({ RESPONSE_CACHE: 'true', CDN_PURGE_URL: `http://127.0.0.1:${varnishPort}/`, CDN_PURGE_STYLE: 'xkey' });
    varnish = await startVarnish({ backendPort: Number(new URL(t.url).port), port: varnishPort });
    f = factories(t.app.dataSource);
  }, 60_000);
  afterAll(async () => {
    await varnish?.stop();
    await t?.close();
  });
  beforeEach(() => t.reset());

  const viaVarnish = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${varnish.url}/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`);
    const body = (await response.json()) as { data: { articles: { edges: { node: { title: string } }[] } } };
    return { cache: response.headers.get('x-cache'), titles: body.data.articles.edges.map((edge) => edge.node.title) };
  };

  it('serves repeated GETs from Varnish, and a publish purges exactly the lists it joins there', async () => {
    const editor = await t.staff(Role.EDITOR);
    const [world, sport] = [await f.makeSection({ slug: 'world', name: 'World' }), await f.makeSection({ slug: 'sport', name: 'Sport' })];
    await f.makeArticle({ title: 'Test match', section: sport });
    const draft = await f.makeArticle({ title: 'Storm', section: world, status: ArticleStatus.DRAFT });

    expect(await viaVarnish(BY_SECTION, { section: 'world' })).toEqual({ cache: 'MISS', titles: [] });
    expect(await viaVarnish(BY_SECTION, { section: 'sport' })).toEqual({ cache: 'MISS', titles: ['Test match'] });
    expect((await viaVarnish(BY_SECTION, { section: 'world' })).cache).toBe('HIT');

    await t.gql(`mutation ($id: ID!) { publishArticle(id: $id) { id } }`, { id: draft.id }, editor.headers);
    // The purge goes out in the background, coalesced over 50 ms.
    let world2 = await viaVarnish(BY_SECTION, { section: 'world' });
    for (let tries = 0; world2.cache === 'HIT' && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      world2 = await viaVarnish(BY_SECTION, { section: 'world' });
    }
    expect(world2).toEqual({ cache: 'MISS', titles: ['Storm'] });
    expect(await viaVarnish(BY_SECTION, { section: 'sport' })).toEqual({ cache: 'HIT', titles: ['Test match'] });
  });
});
