// OAuth2 in a real browser: one button per provider the server reports,
// and the whole redirect flow through the UI's callback page against a fake
// Kakao (authorize, token with PKCE, user info).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import {
  build, startStovebot, launchBrowser, newPage, shot, api, superuserToken, sidewaysOverflow,
} from '../harness.mjs';

let server, browser, kakao;

/** A fake Kakao: authorize redirects back with a code, token checks PKCE. */
async function startFakeKakao() {
  const challenges = new Map();
  const seen = [];
  const srv = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    let raw = '';
    for await (const c of req) raw += c;
    seen.push(url.pathname);
    if (url.pathname === '/authorize') {
      const code = `code-${seen.length}`;
      challenges.set(code, url.searchParams.get('code_challenge'));
      const back = new URL(url.searchParams.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state'));
      res.writeHead(302, { Location: back.href }).end();
      return;
    }
    if (url.pathname === '/token') {
      const form = new URLSearchParams(raw);
      const verifier = form.get('code_verifier') || '';
      const want = challenges.get(form.get('code'));
      const got = createHash('sha256').update(verifier).digest('base64url');
      if (!want || want !== got) {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"invalid_grant"}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ access_token: 'kakao-access', token_type: 'bearer', expires_in: 3600 }));
      return;
    }
    if (url.pathname === '/me') {
      res.writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ id: 4242, properties: { nickname: '드림즈팬' }, kakao_account: {} }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${srv.address().port}`;
  return { base, seen, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }) };
}

before(async () => {
  server = await startStovebot(build());
  kakao = await startFakeKakao();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (kakao) await kakao.close();
});

test('no provider configured: no provider button', async () => {
  const page = await newPage(browser, { width: 1280, locale: 'en-US' });
  await page.goto(`${server.base}/#/signin`);
  const methods = page.waitForResponse((r) => r.url().endsWith('/auth-methods'));
  await page.reload();
  await methods;
  assert.equal(await page.locator('.oauth-btn').count(), 0);
  assert.equal(await page.locator('.oauth').isVisible(), false);
  await page.context().close();
});

test('OAuth2: a button per configured provider, and the redirect flow through the callback page', async () => {
  const su = await superuserToken(server.base);
  const users = await api(server.base, su, 'GET', '/api/collections/users');
  const oauth2 = users.body.oauth2;
  oauth2.enabled = true;
  oauth2.providers = [{
    name: 'kakao', clientId: 'fake-client', clientSecret: 'fake-secret',
    authURL: `${kakao.base}/authorize`, tokenURL: `${kakao.base}/token`, userInfoURL: `${kakao.base}/me`,
  }];
  const saved = await api(server.base, su, 'PATCH', '/api/collections/users', { oauth2 });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));

  const phone = await newPage(browser, { width: 375, height: 740, locale: 'ko-KR' });
  await phone.goto(`${server.base}/#/signin`);
  const button = phone.getByRole('button', { name: 'Kakao(으)로 계속하기' });
  await button.waitFor();
  assert.equal(await button.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(254, 229, 0)');
  assert.equal(await phone.getByRole('button', { name: /GitHub/ }).count(), 0);
  assert.equal(await sidewaysOverflow(phone), 0);
  await shot(phone, 'signin');
  await button.click();
  await phone.waitForURL(/#\/chat$/);
  assert.deepEqual(kakao.seen.slice(0, 3), ['/authorize', '/token', '/me']);
  await phone.locator('.tabbar').getByRole('link', { name: '프로필' }).click();
  assert.equal(await phone.getByLabel('닉네임').inputValue(), '드림즈팬');
  assert.equal(await phone.getByTestId('email').textContent(), '(이메일 없음)');
  assert.equal(await sidewaysOverflow(phone), 0);
  // a callback with a forged state is refused
  await phone.evaluate(() => localStorage.clear());
  await phone.goto(`${server.base}/oauth2-callback.html?code=x&state=forged`);
  await phone.getByRole('alert').waitFor();
  assert.match(await phone.getByRole('alert').textContent(), /실패했어요/);
  assert.equal(await phone.evaluate(() => localStorage.getItem('stovebot.auth')), null);
  assert.deepEqual(phone.errors, []);
  await phone.context().close();
});
