// Accounts in a real browser: the language switch, keyboard-only sign-in,
// profile edits, password change, sign out everywhere, account deletion,
// and the OAuth2 redirect flow through the UI's callback page against a
// fake Kakao.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import {
  build, startStovebot, launchBrowser, newPage, shot, api, superuserToken, sidewaysOverflow,
} from '../harness.mjs';

let server, browser, page, kakao;
const user = { email: `profile${Date.now()}@dreams.kr`, password: 'first-pass-123' };
const NEW_PASSWORD = 'second-pass-456';

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
  page = await newPage(browser, { width: 1280, locale: 'en-US' });
  const created = await api(server.base, null, 'POST', '/api/collections/users/records',
    { ...user, passwordConfirm: user.password });
  assert.equal(created.status, 200, JSON.stringify(created.body));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (kakao) await kakao.close();
});

async function signIn(p, password) {
  await p.goto(`${server.base}/#/signin`);
  await p.getByLabel('Email').fill(user.email);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in', exact: true }).click();
  await p.waitForURL(/#\/chat$/);
}

test('the language switch changes every string and <html lang>, and is remembered', async () => {
  await page.goto(`${server.base}/#/signin`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.getByRole('button', { name: '한국어' }).click();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '로그인');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
  assert.equal(await page.getByRole('button', { name: '한국어' }).getAttribute('aria-pressed'), 'true');
  await page.getByLabel('이메일').waitFor();
  await page.reload();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '로그인');
  await shot(page, 'signin-ko');
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
});

test('sign-in works with the keyboard alone, with a visible focus', async () => {
  await page.goto(`${server.base}/#/signin`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  const focused = async () => page.evaluate(() => document.activeElement.getAttribute('name') || document.activeElement.textContent);
  // from the top of the page: the language switch, then the form
  for (let i = 0; i < 8 && (await focused()) !== 'identity'; i++) await page.keyboard.press('Tab');
  assert.equal(await focused(), 'identity');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'password');
  await page.keyboard.type('wrong-password');
  await page.keyboard.press('Enter');
  await page.locator('[data-error-for="password"]').waitFor();
  assert.match(await page.locator('[data-error-for="password"]').textContent(), /not right/);
  await page.getByLabel('Password').fill(user.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/chat$/);
  // a signed-in visitor who opens the sign-in page goes to the chat
  await page.goto(`${server.base}/#/signin`);
  await page.waitForURL(/#\/chat$/);
});

test('profile: the nickname is saved and kept', async () => {
  await page.getByRole('link', { name: 'Profile' }).first().click();
  await page.waitForURL(/#\/profile$/);
  assert.equal(await page.getByTestId('email').textContent(), user.email);
  await page.getByLabel('Nickname').fill('백승수 팬');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  await page.reload();
  assert.equal(await page.getByLabel('Nickname').inputValue(), '백승수 팬');
  await shot(page, 'profile');
});

test('profile: the password changes only with the current one, and the session survives', async () => {
  await page.getByLabel('Current password').fill('not-my-password');
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('[data-error-for="oldPassword"]:not([hidden])').waitFor();
  await page.getByLabel('Current password').fill(user.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Password changed.').waitFor();
  // still signed in after a reload: the app signed in again with the new password
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
  const old = await api(server.base, null, 'POST', '/api/collections/users/auth-with-password',
    { identity: user.email, password: user.password });
  assert.equal(old.status, 400);
});

test('sign out everywhere ends the sessions of other browsers too', async () => {
  const other = await newPage(browser, { width: 375, height: 740, locale: 'en-US' });
  await signIn(other, NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.waitForURL(/#\/signin$/);
  await other.reload();
  await other.waitForURL(/#\/signin$/);
  assert.equal(await other.evaluate(() => localStorage.getItem('stovebot.auth')), null);
  await other.context().close();
});

test('sign out ends the session on this device', async () => {
  await signIn(page, NEW_PASSWORD);
  await page.getByRole('link', { name: 'Profile' }).first().click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL(/#\/signin$/);
  await page.goto(`${server.base}/#/chat`);
  await page.waitForURL(/#\/signin$/);
});

test('forgot password asks PocketBase for a reset mail', async () => {
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.waitForURL(/#\/forgot$/);
  await page.getByLabel('Email').fill(user.email);
  const reset = page.waitForResponse((r) => r.url().endsWith('/request-password-reset'));
  await page.getByRole('button', { name: 'Send the link' }).click();
  assert.equal((await reset).status(), 204);
  await page.getByText(/a reset link is on its way/).waitFor();
});

test('deleting the account needs the typed confirmation, then the account is gone', async () => {
  await signIn(page, NEW_PASSWORD);
  await page.goto(`${server.base}/#/profile`);
  await page.getByRole('button', { name: 'Delete account' }).click();
  const confirm = page.getByRole('button', { name: 'Delete permanently' });
  assert.equal(await confirm.isDisabled(), true);
  await page.getByLabel(/Type “delete” below/).fill('delet');
  assert.equal(await confirm.isDisabled(), true);
  await page.keyboard.press('Escape');
  await confirm.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Delete account' }).click();
  await page.getByLabel(/Type “delete” below/).fill('delete');
  await shot(page, 'profile-delete');
  await confirm.click();
  await page.waitForURL(/#\/signin$/);
  const again = await api(server.base, null, 'POST', '/api/collections/users/auth-with-password',
    { identity: user.email, password: NEW_PASSWORD });
  assert.equal(again.status, 400);
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
  assert.deepEqual(page.errors, []);
});
