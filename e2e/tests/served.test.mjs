// What the server hands to browsers: every file of the web app (and of
// pb_public) is served, none contains the OpenAI key, and the app's pages
// load without errors at 375 px with nothing scrolling sideways.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  build, repoRoot, startFakeOpenAI, startStovebot, launchBrowser, newPage, sidewaysOverflow, OPENAI_KEY,
  ANSWER, api,
} from '../harness.mjs';

let upstream, server, browser, bin;

before(async () => {
  upstream = await startFakeOpenAI();
  bin = build();
  server = await startStovebot(bin, { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: upstream.url });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (upstream) await upstream.close();
});

function walk(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

test('every file of the web app is served as built, and none contains the OpenAI key', async () => {
  const uiDir = path.join(repoRoot, 'ui');
  const files = walk(uiDir).filter((f) => !f.endsWith('.go'));
  assert.ok(files.includes('index.html') && files.includes('js/app.js'), `ui files: ${files}`);
  // pb_public next to the binary, as the binary finds it
  const publicDir = path.join(path.dirname(bin), 'pb_public');
  const overrides = new Set(walk(publicDir));
  const paths = ['/', ...files.map((f) => `/${f}`), ...[...overrides].map((f) => `/${f}`)];
  for (const p of paths) {
    const res = await fetch(`${server.base}${p}`);
    const body = await res.text();
    assert.equal(res.status, 200, `GET ${p}`);
    assert.ok(!body.includes(OPENAI_KEY) && !body.includes('sk-test-SECRET'), `GET ${p} contains the key`);
    const rel = p === '/' ? 'index.html' : p.slice(1);
    // the file on disk is what the binary serves (pb_public wins over ui)
    const src = overrides.has(rel) ? path.join(publicDir, rel) : path.join(uiDir, rel);
    assert.equal(body, readFileSync(src, 'utf8'), `GET ${p} differs from ${path.relative(repoRoot, src)}`);
  }
  // the Go source of the embedding is not served, and the API keeps its paths
  if (!overrides.has('embed.go')) assert.equal((await fetch(`${server.base}/embed.go`)).status, 404);
  const health = await fetch(`${server.base}/api/health`);
  assert.match(await health.text(), /"code":200/);
});

test('the pages load without script errors, and nothing scrolls sideways at 375 px', async () => {
  const page = await newPage(browser, { width: 375, height: 740, locale: 'en-US' });
  const seen = [];
  page.on('response', async (res) => {
    try { seen.push({ url: res.url(), text: await res.text() }); } catch { /* no body */ }
  });
  const titles = { signin: 'Sign in', signup: 'Create an account', forgot: 'Reset your password' };
  for (const [route, title] of Object.entries(titles)) {
    await page.goto(`${server.base}/#/${route}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    assert.equal(await sidewaysOverflow(page), 0, `#/${route} scrolls sideways`);
  }
  await page.getByRole('link', { name: 'Back to sign in' }).waitFor();
  // the seed's GET /accounts/join and /accounts/login lead to the app's views
  await page.goto(`${server.base}/accounts/join`);
  await page.waitForURL(/\/#\/signup$/);
  await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
  await page.goto(`${server.base}/accounts/login`);
  await page.waitForURL(/\/#\/signin$/);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  for (const s of seen) assert.ok(!s.text.includes(OPENAI_KEY), `${s.url} contains the key`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('chat answers as JSON carry the upstream text, and upstream errors no upstream body or key', async () => {
  const who = { email: `json${Date.now()}@dreams.kr`, password: 'json-12345' };
  assert.equal((await api(server.base, null, 'POST', '/api/collections/users/records',
    { ...who, passwordConfirm: who.password })).status, 200);
  const { body: auth } = await api(server.base, null, 'POST', '/api/collections/users/auth-with-password',
    { identity: who.email, password: who.password });
  const ok = await api(server.base, auth.token, 'POST', '/api/chat', { content: '명대사 하나' });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.reply.content, ANSWER);
  const call = upstream.calls.filter((c) => c.url.endsWith('/chat/completions')).pop();
  assert.notEqual(call.body.stream, true); // the JSON answer came from the fake's JSON path
  const failed = await api(server.base, auth.token, 'POST', '/api/chat', { content: 'FAIL-ONCE 오류' });
  assert.equal(failed.status, 502);
  for (const r of [ok, failed]) {
    const text = JSON.stringify(r.body) + JSON.stringify([...r.headers]);
    assert.ok(!text.includes(OPENAI_KEY) && !text.includes('exploded'), text);
  }
});
