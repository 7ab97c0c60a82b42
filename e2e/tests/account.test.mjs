// Accounts in a real browser: the language switch, keyboard-only sign-in,
// profile edits, password change, sign out everywhere and account deletion.
// (Each file runs its own server: the sign-in rate limit of 10 a minute per
// address applies to every file on its own.)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  build, startStovebot, launchBrowser, newPage, shot, api, sidewaysOverflow,
} from '../harness.mjs';

let server, browser, page;
const user = { email: `profile${Date.now()}@dreams.kr`, password: 'first-pass-123' };
const NEW_PASSWORD = 'second-pass-456';

before(async () => {
  server = await startStovebot(build());
  browser = await launchBrowser();
  page = await newPage(browser, { width: 1280, locale: 'en-US' });
  const created = await api(server.base, null, 'POST', '/api/collections/users/records',
    { ...user, passwordConfirm: user.password });
  assert.equal(created.status, 200, JSON.stringify(created.body));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function signIn(p, password) {
  await p.goto(`${server.base}/#/signin`);
  // a hash change draws the view a moment later: wait for it, not for the URL
  await p.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
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
  // the English pill fits a phone's top bar without being cut, beside a one-line switch
  const pill = other.locator('.topbar .quota-pill');
  await other.waitForFunction(() => /left today/.test(document.querySelector('.topbar .quota-pill').textContent));
  assert.ok(await pill.evaluate((e) => e.scrollWidth <= e.clientWidth), 'the quota pill is cut');
  assert.match(await pill.textContent(), /5 of 5 left today · resets at midnight \(GMT\+9\)/);
  assert.ok((await other.locator('.topbar .lang-switch').boundingBox()).height < 40);
  assert.equal(await sidewaysOverflow(other), 0);
  await shot(other, 'chat-empty-en');
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.waitForURL(/#\/signin$/);
  await other.reload();
  await other.waitForURL(/#\/signin$/);
  await other.getByRole('alert').filter({ hasText: 'Your session ended' }).waitFor();
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
  await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
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
  assert.deepEqual(page.errors, []);
});
