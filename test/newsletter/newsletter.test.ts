import net from 'node:net';
import { errorCodes, useTestApp, type TestApp } from '../setup/harness';
import { startSmtpServer, type TestSmtpServer } from '../setup/smtp';

const SUBSCRIBE = `mutation ($input: SubscribeToNewsletterInput!) { subscribeToNewsletter(input: $input) { status message } }`;
const CONFIRM = `mutation ($token: String!) { confirmNewsletterSubscription(token: $token) { status confirmedAt unsubscribedAt } }`;
const UNSUBSCRIBE = `mutation ($token: String!) { unsubscribeFromNewsletter(token: $token) { status unsubscribedAt } }`;

/** A port nothing listens on (for a mail server that is down). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function subscribe(t: TestApp, input: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.3.0.1', ...headers },
    body: JSON.stringify({ query: SUBSCRIBE, variables: { input } }),
  });
}

async function rows(t: TestApp): Promise<Record<string, any>[]> {
  return t.app.dataSource.query(`SELECT * FROM "newsletter_subscription" ORDER BY "created_at"`);
}

async function outbox(t: TestApp): Promise<Record<string, any>[]> {
  return t.app.dataSource.query(`SELECT * FROM "mail_outbox" ORDER BY "created_at"`);
}

/** The token in a link of a mail's text, by the link's path. */
function tokenIn(text: string, path: string): string {
  const match = text.match(new RegExp(`${path}\\?token=([A-Za-z0-9_%-]+)`));
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return decodeURIComponent(match[1]);
}

describe('newsletter sign-up, with a real SMTP server', () => {
  const env: Record<string, string> = { TRUST_PROXY: 'true', GATEWAY_PUBLIC_URL: 'https://api.news.example.com' };
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    env.SMTP_URL = smtp.url;
  });
  const { t, f } = useTestApp(env);
  afterAll(() => smtp.close());
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it('sends a confirmation mail through the outbox whose link confirms the subscription', async () => {
    const article = await f.makeArticle();
    const response = await subscribe(t, { email: 'reader@example.com', sourceArticleId: article.id }, { referer: 'https://news.example.com/2026/rail' });
    expect(await response.json()).toEqual({
      data: { subscribeToNewsletter: { status: 'PENDING_CONFIRMATION', message: 'Check your inbox: we have sent you a link to confirm your subscription.' } },
    });
    const [stored] = await rows(t);
    expect(stored).toMatchObject({ email: 'reader@example.com', status: 'PENDING', source_article_id: article.id, referrer: 'https://news.example.com/2026/rail' });
    expect(stored.confirmation_token_hash).toMatch(/^[0-9a-f]{64}$/);

    expect(await t.app.mailWorker.deliverDue()).toEqual({ sent: 1, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('reader@example.com');
    const token = tokenIn(mail.text ?? '', 'https://news.example.com/newsletter/confirm');
    expect(JSON.stringify(await rows(t))).not.toContain(token);
    // mailparser folds List-* headers into its own structure; the raw lines are what a mail client reads.
    const header = (key: string) => mail.headerLines.find((line) => line.key === key)?.line.replace(/\r?\n\s+/g, ' ');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).toMatch(/^List-Unsubscribe: <https:\/\/api\.news\.example\.com\/newsletter\/unsubscribe\?token=[\w-]+>$/);

    const confirmed = await t.gql(CONFIRM, { token });
    expect(confirmed.body.data?.confirmNewsletterSubscription).toMatchObject({ status: 'CONFIRMED', confirmedAt: expect.any(String), unsubscribedAt: null });
    expect(errorCodes(await t.gql(CONFIRM, { token }))).toEqual(['INVALID_TOKEN']);
  });

  it('keeps mail that could not be sent and delivers it once the server is back', async () => {
    const port = await closedPort();
    const down = await startDeliveryApp(`smtp://127.0.0.1:${port}`);
    try {
      await subscribe(down, { email: 'patient@example.com' });
      expect(await down.app.mailWorker.deliverDue()).toEqual({ sent: 0, failed: 1 });
      const [waiting] = await outbox(down);
      expect(waiting).toMatchObject({ status: 'PENDING', attempts: 1 });
      expect(waiting.last_error).toEqual(expect.any(String));
      expect(new Date(waiting.next_attempt_at).getTime()).toBeGreaterThan(Date.now());

      const back = await startSmtpServer(port);
      try {
        // Not due yet: nothing is sent early.
        expect(await down.app.mailWorker.deliverDue()).toEqual({ sent: 0, failed: 0 });
        await down.app.dataSource.query(`UPDATE "mail_outbox" SET "next_attempt_at" = now()`);
        expect(await down.app.mailWorker.deliverDue()).toEqual({ sent: 1, failed: 0 });
        expect(back.received.map((mail) => mail.subject)).toEqual(['Please confirm your newsletter subscription']);
        expect((await outbox(down))[0]).toMatchObject({ status: 'SENT', attempts: 2, last_error: null });
      } finally {
        await back.close();
      }
    } finally {
      await down.close();
    }
  });

  async function startDeliveryApp(smtpUrl: string): Promise<TestApp> {
    const { startTestApp } = await import('../setup/harness');
    return startTestApp({ TRUST_PROXY: 'true', SMTP_URL: smtpUrl });
  }
});

describe('newsletter sign-up', () => {
  const { t } = useTestApp({ TRUST_PROXY: 'true' });

  it('answers byte for byte the same for a new, pending, confirmed and unsubscribed address', async () => {
    const bodies: string[] = [];
    const answer = async (email: string) => bodies.push(await (await subscribe(t, { email })).text());
    await answer('new@example.com');
    await answer('new@example.com'); // now pending
    await t.app.dataSource.query(`UPDATE "newsletter_subscription" SET "status" = 'CONFIRMED'`);
    await answer('new@example.com');
    await t.app.dataSource.query(`UPDATE "newsletter_subscription" SET "status" = 'UNSUBSCRIBED'`);
    await answer('new@example.com');
    await answer('other@example.com');
    expect(new Set(bodies).size).toBe(1);
  });

  it('stores one row for 50 concurrent sign-ups of one address, and answers all 50 the same', async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, () => subscribe(t, { email: 'rush@example.com' })));
    const bodies = await Promise.all(responses.map((response) => response.text()));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(new Set(bodies).size).toBe(1);
    expect(await rows(t)).toHaveLength(1);
    // A double click is not a reason for a second mail.
    expect(await outbox(t)).toHaveLength(1);
  });

  it('normalises the address: trimmed, domain lower-cased and in punycode', async () => {
    await subscribe(t, { email: '  Jo.Smith@BÜCHER.Example  ' });
    await subscribe(t, { email: 'Jo.Smith@bücher.example' });
    expect((await rows(t)).map((row) => row.email)).toEqual(['Jo.Smith@xn--bcher-kva.example']);
  });

  it.each([
    ['a list of addresses', 'a@x.com,b@y.com'],
    ['addresses separated by a space', 'a@x.com b@y.com'],
    ['no domain', 'reader@'],
    ['no @ at all', 'reader.example.com'],
    ['a display name', 'Reader <reader@example.com>'],
    ['a line break', 'reader@example.com\nBcc: all@example.com'],
  ])('refuses %s with BAD_USER_INPUT, storing nothing', async (_name, email) => {
    const response = await subscribe(t, { email });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await rows(t)).toEqual([]);
    expect(await outbox(t)).toEqual([]);
  });

  it('answers a filled honeypot like anyone else, and does nothing', async () => {
    const honest = await (await subscribe(t, { email: 'person@example.com' })).text();
    const bot = await (await subscribe(t, { email: 'bot@example.com', honeypot: 'yes' })).text();
    expect(bot).toBe(honest);
    expect((await rows(t)).map((row) => row.email)).toEqual(['person@example.com']);
  });

  it('refuses an expired link without changing anything, and an unknown one', async () => {
    await subscribe(t, { email: 'late@example.com' });
    const token = tokenIn((await outbox(t))[0].text, '/newsletter/confirm');
    await t.app.dataSource.query(`UPDATE "newsletter_subscription" SET "confirmation_expires_at" = now() - interval '1 second'`);
    expect(errorCodes(await t.gql(CONFIRM, { token }))).toEqual(['TOKEN_EXPIRED']);
    expect(errorCodes(await t.gql(CONFIRM, { token: 'made-up' }))).toEqual(['INVALID_TOKEN']);
    expect(errorCodes(await t.gql(UNSUBSCRIBE, { token: 'made-up' }))).toEqual(['INVALID_TOKEN']);
    expect((await rows(t))[0].status).toBe('PENDING');
  });

  it('unsubscribes with one click over HTTP: GET asks, POST does it (RFC 8058)', async () => {
    await subscribe(t, { email: 'leaving@example.com' });
    const link = tokenIn((await outbox(t))[0].text, '/newsletter/unsubscribe');
    const page = await t.request(`/newsletter/unsubscribe?token=${encodeURIComponent(link)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await rows(t))[0].status).toBe('PENDING');

    const done = await t.request(`/newsletter/unsubscribe?token=${encodeURIComponent(link)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are unsubscribed');
    expect((await rows(t))[0]).toMatchObject({ status: 'UNSUBSCRIBED', unsubscribed_at: expect.any(Date) });

    const unknown = await t.request('/newsletter/unsubscribe?token=%3Cscript%3E', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).not.toContain('<script>');
  });

  it('re-subscribes after unsubscribing, through a new confirmation', async () => {
    await subscribe(t, { email: 'back@example.com' });
    const first = (await outbox(t))[0].text;
    await t.gql(CONFIRM, { token: tokenIn(first, '/newsletter/confirm') });
    await t.gql(UNSUBSCRIBE, { token: tokenIn(first, '/newsletter/unsubscribe') });
    await subscribe(t, { email: 'back@example.com' });
    expect((await rows(t))[0].status).toBe('PENDING');
    const mails = await outbox(t);
    expect(mails).toHaveLength(2);
    const confirmed = await t.gql(CONFIRM, { token: tokenIn(mails[1].text, '/newsletter/confirm') });
    expect(confirmed.body.data?.confirmNewsletterSubscription.status).toBe('CONFIRMED');
  });

  it('sends at most 4 confirmation mails per address per hour', async () => {
    for (let i = 0; i < 7; i++) {
      await subscribe(t, { email: 'again@example.com' }, { 'x-forwarded-for': `10.4.0.${i}` });
      // Age the last link past the 10-minute resend pause, so only the hourly limit can hold a mail back.
      await t.app.dataSource.query(`UPDATE "newsletter_subscription" SET "confirmation_expires_at" = "confirmation_expires_at" - interval '11 minutes'`);
    }
    expect(await outbox(t)).toHaveLength(4);
  });

  it('lets one client sign up 8 addresses per 12 hours, not counting repeats', async () => {
    for (let i = 0; i < 8; i++) expect((await subscribe(t, { email: `n${i}@example.com` }, { 'x-forwarded-for': '10.5.0.1' })).status).toBe(200);
    expect(((await (await subscribe(t, { email: 'n0@example.com' }, { 'x-forwarded-for': '10.5.0.1' })).json()) as any).errors).toBeUndefined();
    const ninth = (await (await subscribe(t, { email: 'n8@example.com' }, { 'x-forwarded-for': '10.5.0.1' })).json()) as any;
    expect(ninth.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(await rows(t)).toHaveLength(8);
    expect((await (await subscribe(t, { email: 'n8@example.com' }, { 'x-forwarded-for': '10.5.0.2' })).json()) as any).toMatchObject({ data: expect.any(Object) });
  });

  it('logs mail instead of sending it when no SMTP server is configured', async () => {
    await subscribe(t, { email: 'dev@example.com' });
    expect(await t.app.mailWorker.deliverDue()).toEqual({ sent: 1, failed: 0 });
    expect((await outbox(t))[0].status).toBe('SENT');
  });
});
