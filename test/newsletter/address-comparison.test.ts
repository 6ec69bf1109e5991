import { Role } from '../../src/auth/role';
import { errorCodes, useTestApp, type TestApp } from '../setup/harness';

const SUBSCRIBE = `mutation ($input: SubscribeToNewsletterInput!) { subscribeToNewsletter(input: $input) { status } }`;
const CONFIRM = `mutation ($token: String!) { confirmNewsletterSubscription(token: $token) { status } }`;
const UNSUBSCRIBE = `mutation ($token: String!) { unsubscribeFromNewsletter(token: $token) { status } }`;

const { t } = useTestApp({ TRUST_PROXY: 'true' });

function subscribe(t: TestApp, email: string, ip = '10.31.0.1') {
  return t.gql(SUBSCRIBE, { input: { email } }, { 'x-forwarded-for': ip });
}

async function subscriptions(): Promise<{ email: string; status: string }[]> {
  return t.app.dataSource.query(`SELECT "email", "status" FROM "newsletter_subscription" ORDER BY "created_at"`);
}

async function mails(): Promise<{ to: string; text: string }[]> {
  return t.app.dataSource.query(`SELECT "to_address" AS "to", "text" FROM "mail_outbox" ORDER BY "created_at"`);
}

/** Ages every pending link past the 10-minute resend pause, so that only the hourly mail limit can hold a mail back. */
async function pastResendPause(): Promise<void> {
  await t.app.dataSource.query(`UPDATE "newsletter_subscription" SET "confirmation_expires_at" = "confirmation_expires_at" - interval '11 minutes'`);
}

function tokenIn(text: string, path: string): string {
  const match = text.match(new RegExp(`${path}\\?token=([A-Za-z0-9_%-]+)`));
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return decodeURIComponent(match[1]);
}

describe('newsletter addresses compare case-insensitively', () => {
  it('keeps one subscriber for Reader.One@ and reader.one@, and counts both against the per-address mail limit', async () => {
    const variants = ['Reader.One@example.com', 'reader.one@example.com', 'READER.ONE@EXAMPLE.COM', 'rEaDeR.oNe@Example.Com'];
    for (let i = 0; i < 7; i++) {
      expect(errorCodes(await subscribe(t, variants[i % variants.length], `10.31.1.${i}`))).toEqual([]);
      await pastResendPause();
    }
    expect(await subscriptions()).toHaveLength(1);
    // Four mails an hour per address, whatever the case it was typed in.
    expect(await mails()).toHaveLength(4);
  });

  it('sends each fresh link to the address as typed, so the spelling that confirms is the one kept', async () => {
    await subscribe(t, 'Reader.One@example.com');
    await pastResendPause();
    await subscribe(t, 'reader.one@Example.COM');
    expect((await mails()).map((mail) => mail.to)).toEqual(['Reader.One@example.com', 'reader.one@example.com']);
    expect(await subscriptions()).toEqual([{ email: 'reader.one@example.com', status: 'PENDING' }]);
    // The first link was replaced by the second; the second confirms the one subscription.
    const [first, second] = await mails();
    expect(errorCodes(await t.gql(CONFIRM, { token: tokenIn(first.text, '/newsletter/confirm') }))).toEqual(['INVALID_TOKEN']);
    expect((await t.gql(CONFIRM, { token: tokenIn(second.text, '/newsletter/confirm') })).body.data?.confirmNewsletterSubscription.status).toBe('CONFIRMED');
    // Confirmed: another spelling changes nothing and sends nothing.
    await subscribe(t, 'READER.ONE@EXAMPLE.COM');
    expect(await subscriptions()).toEqual([{ email: 'reader.one@example.com', status: 'CONFIRMED' }]);
    expect(await mails()).toHaveLength(2);
  });

  it('re-subscribes the same subscription after unsubscribing, typed in another case', async () => {
    await subscribe(t, 'Back.Again@example.com');
    const [first] = await mails();
    await t.gql(CONFIRM, { token: tokenIn(first.text, '/newsletter/confirm') });
    await t.gql(UNSUBSCRIBE, { token: tokenIn(first.text, '/newsletter/unsubscribe') });
    await subscribe(t, 'back.again@EXAMPLE.com');
    expect(await subscriptions()).toEqual([{ email: 'back.again@example.com', status: 'PENDING' }]);
    const second = (await mails())[1];
    expect((await t.gql(CONFIRM, { token: tokenIn(second.text, '/newsletter/confirm') })).body.data?.confirmNewsletterSubscription.status).toBe('CONFIRMED');
    // Every mail of the subscription carries the same working unsubscribe link.
    expect(tokenIn(second.text, '/newsletter/unsubscribe')).toBe(tokenIn(first.text, '/newsletter/unsubscribe'));
  });

  it('folds the case of unicode local parts too, and still takes them', async () => {
    await subscribe(t, 'Jörg.Ærø@Bücher.example', '10.31.2.1');
    await subscribe(t, 'JÖRG.ÆRØ@BÜCHER.EXAMPLE', '10.31.2.2');
    await subscribe(t, 'jörg.ærø@xn--bcher-kva.example', '10.31.2.3');
    await subscribe(t, 'ΣΟΦΊΑ@example.gr', '10.31.2.4');
    await subscribe(t, 'σοφία@example.gr', '10.31.2.5');
    await subscribe(t, '用户@例子.广告', '10.31.2.6');
    expect((await subscriptions()).map((row) => row.email)).toEqual(['Jörg.Ærø@xn--bcher-kva.example', 'ΣΟΦΊΑ@example.gr', '用户@xn--fsqu00a.xn--4rr70v']);
    expect((await mails()).map((mail) => mail.to)).toEqual(['Jörg.Ærø@xn--bcher-kva.example', 'ΣΟΦΊΑ@example.gr', '用户@xn--fsqu00a.xn--4rr70v']);
  });

  it('stores one row for concurrent sign-ups of one address in different cases', async () => {
    const spellings = ['rush@example.com', 'Rush@example.com', 'RUSH@example.com', 'rush@EXAMPLE.com', 'rUsH@Example.com'];
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => subscribe(t, spellings[i % spellings.length], `10.31.3.${i}`)));
    expect(responses.flatMap(errorCodes)).toEqual([]);
    expect(await subscriptions()).toHaveLength(1);
    expect(await mails()).toHaveLength(1);
  });

  it('does not count a sign-up again in another case against the per-client limit of 8 addresses', async () => {
    for (let i = 0; i < 8; i++) expect(errorCodes(await subscribe(t, `n${i}@example.com`, '10.31.4.1'))).toEqual([]);
    for (let i = 0; i < 8; i++) expect(errorCodes(await subscribe(t, `N${i}@Example.COM`, '10.31.4.1'))).toEqual([]);
    expect(errorCodes(await subscribe(t, 'n8@example.com', '10.31.4.1'))).toEqual(['RATE_LIMITED']);
  });

  it('gives ADMIN exports one subscriber per address', async () => {
    await subscribe(t, 'Export.Me@example.com', '10.31.5.1');
    await subscribe(t, 'export.me@example.com', '10.31.5.2');
    await subscribe(t, 'other@example.com', '10.31.5.3');
    const admin = await t.staff(Role.ADMIN);
    const listed = await t.gql(`{ newsletterSubscribers { totalCount edges { node { email } } } }`, {}, admin.headers);
    expect(listed.body.data?.newsletterSubscribers).toEqual({ totalCount: 2, edges: [{ node: { email: 'Export.Me@example.com' } }, { node: { email: 'other@example.com' } }] });
  });
});
