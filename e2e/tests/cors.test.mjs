// A front end on another origin (SPEC 9, 13.4): a page served from another
// port signs in and asks through fetch, and reads the remaining quota from
// the response headers, which a browser hides from cross-origin script
// unless the server exposes them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { build, startStovebot, launchBrowser, newPage, api } from '../harness.mjs';

let server, browser, page, frontEnd, frontEndURL;
const user = { email: `cors${Date.now()}@dreams.kr`, password: 'cors-pass-1234' };

// The front end's page: everything it shows, it read from stovebot's answers.
const pageHTML = (apiBase) => `<!doctype html>
<meta charset="utf-8">
<title>Another front end</title>
<p>Remaining today: <output id="remaining">…</output> of <output id="limit">…</output></p>
<p>Quota check: <output id="checked">…</output></p>
<p id="status"></p>
<script type="module">
  const api = ${JSON.stringify(apiBase)};
  const show = (id, v) => { document.getElementById(id).textContent = v ?? 'hidden'; };
  try {
    const signIn = await fetch(api + '/api/collections/users/auth-with-password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(${JSON.stringify({ identity: user.email, password: user.password })}),
    });
    const { token } = await signIn.json();
    const asked = await fetch(api + '/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: token },
      body: JSON.stringify({ content: '다행이라고 한 대사' }),
    });
    show('remaining', asked.headers.get('X-RateLimit-Remaining'));
    show('limit', asked.headers.get('X-RateLimit-Limit'));
    const quota = await fetch(api + '/api/chat/quota', { headers: { Authorization: token } });
    show('checked', quota.headers.get('RateLimit'));
    document.getElementById('status').textContent = 'done ' + asked.status;
  } catch (err) {
    document.getElementById('status').textContent = 'failed: ' + err;
  }
</script>
`;

before(async () => {
  server = await startStovebot(build()); // offline answers: no upstream needed
  const created = await api(server.base, null, 'POST', '/api/collections/users/records',
    { ...user, passwordConfirm: user.password });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  frontEnd = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(pageHTML(server.base));
  });
  await new Promise((r) => frontEnd.listen(0, '127.0.0.1', r));
  frontEndURL = `http://127.0.0.1:${frontEnd.address().port}/`;
  browser = await launchBrowser();
  page = await newPage(browser);
});

after(async () => {
  if (browser) await browser.close();
  if (frontEnd) await new Promise((r) => { frontEnd.closeAllConnections(); frontEnd.close(r); });
  if (server) await server.stop();
});

test('a page on another origin shows the remaining quota from the response headers', async () => {
  assert.notEqual(new URL(frontEndURL).origin, new URL(server.base).origin);
  await page.goto(frontEndURL);
  await page.locator('#status').filter({ hasText: /done|failed/ }).waitFor({ timeout: 10000 });
  assert.equal(await page.locator('#status').textContent(), 'done 201');
  assert.equal(await page.locator('#remaining').textContent(), '4');
  assert.equal(await page.locator('#limit').textContent(), '5');
  assert.match(await page.locator('#checked').textContent(), /^"daily";r=4;t=\d+$/);
  assert.deepEqual(page.errors, []);
});
