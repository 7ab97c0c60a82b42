// A session that ends while the chat is open: the streamed question is the
// first request to meet the 401, and the app goes back to sign-in saying
// why, as it does for every other request.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { build, startStovebot, launchBrowser, newPage, api } from '../harness.mjs';

let server, browser, page;
const user = { email: `ended${Date.now()}@dreams.kr`, password: 'ended-pass-123' };

before(async () => {
  server = await startStovebot(build()); // offline answers: no upstream needed
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

test('a 401 to a streamed question signs out and says the session ended', async () => {
  await page.goto(`${server.base}/#/signin`);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/#\/chat$/);
  await page.locator('.empty-chat').waitFor();
  await page.waitForFunction(() => document.querySelector('.rail .quota-value')?.textContent === '5 / 5');

  const refused = [];
  page.on('response', (res) => {
    if (res.status() === 401) refused.push({ method: res.request().method(), url: res.url(), accept: res.request().headers().accept });
  });
  // another device signs out everywhere, with this very token
  const { token } = await page.evaluate(() => JSON.parse(localStorage.getItem('stovebot.auth')));
  const out = await api(server.base, token, 'POST', '/api/logout-all');
  assert.equal(out.status, 204, JSON.stringify(out.body));

  const box = page.getByRole('textbox', { name: 'Your question' });
  await box.fill('백승수 단장의 명대사를 알려줘');
  await box.press('Enter');
  await page.waitForURL(/#\/signin$/);
  await page.getByRole('alert').filter({ hasText: 'Your session ended' }).waitFor({ timeout: 5000 });
  assert.equal(await page.evaluate(() => localStorage.getItem('stovebot.auth')), null);
  assert.deepEqual(refused, [{ method: 'POST', url: `${server.base}/api/chat`, accept: 'text/event-stream' }]);
  assert.deepEqual(page.errors, []);
});
