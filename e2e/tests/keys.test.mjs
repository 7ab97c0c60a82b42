// API keys and usage on the profile, in a real browser: a key is created,
// shown once and copied; its examples are copied and run (node with the
// openai SDK, and curl); it is listed by its prefix only, also after a
// reload, and deleted after one inline confirmation; the 10-key limit; and
// the 30-day usage chart, whose bar for today counts the requests made.
// At 375 px in Korean and 1280 px in English.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import {
  build, startFakeOpenAI, startStovebot, launchBrowser, newPage, shot, api, sidewaysOverflow, signUp, OPENAI_KEY, ANSWER, repoRoot,
} from '../harness.mjs';

const execFileAsync = promisify(execFile);
const e2eDir = path.join(repoRoot, 'e2e');

let upstream, server, browser;
const KEY_RE = /^sk-sb-[0-9A-Za-z]{40}$/;

before(async () => {
  upstream = await startFakeOpenAI({ pieceDelay: 20 });
  server = await startStovebot(build(), {
    OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: upstream.url, STOVEBOT_DAILY_LIMIT: '20',
  });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (upstream) await upstream.close();
});

// newUser signs a user up through the API.
const newUser = (name) => signUp(server.base, name);

// openProfile opens the profile of user at the given width and language,
// with the clipboard allowed, once the chart and the keys have loaded.
async function openProfile(user, { width, locale }) {
  const p = await newPage(browser, { width, height: width < 600 ? 740 : 860, locale });
  await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  await p.addInitScript((auth) => localStorage.setItem('stovebot.auth', auth), JSON.stringify({ token: user.token, user: user.record }));
  await p.goto(`${server.base}/#/profile`);
  await ready(p);
  return p;
}

// ready waits for the usage chart and the key list (or its empty line).
async function ready(p) {
  await p.locator('.usage-svg').waitFor();
  await p.locator('section.keys .key-count:not(:empty)').waitFor();
}

// v1Chat asks through /v1 with a key (or a token) and returns the answer.
async function v1Chat(key, content) {
  const res = await api(server.base, key, 'POST', '/v1/chat/completions', { messages: [{ role: 'user', content }] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const clipboard = (p) => p.evaluate(() => navigator.clipboard.readText());

// run runs a copied example from e2e/ (where `openai` is installed) and returns its output.
async function run(cmd, args) {
  const { stdout } = await execFileAsync(cmd, args, { cwd: e2eDir, timeout: 30000 });
  return stdout;
}

// todayBar reads the chart's last bar: its day and its count.
async function todayBar(p) {
  const bar = p.locator('.usage-svg rect.usage-bar').last();
  return { requests: Number(await bar.getAttribute('data-requests')), title: await bar.locator('title').textContent() };
}

test('a key is made, shown once, copied, used, listed by its prefix and deleted; the chart counts its use (375, Korean)', async () => {
  const user = await newUser('keys');
  const p = await openProfile(user, { width: 375, locale: 'ko-KR' });

  // before any use: 30 bars, all zero, today last, the zone named
  assert.equal(await p.locator('.usage-svg rect.usage-bar').count(), 30);
  assert.equal((await todayBar(p)).requests, 0);
  assert.equal(await p.getByTestId('usage-today').textContent(), '0');
  assert.match(await p.locator('.usage-chart figcaption').textContent(), /한국 시간\(Asia\/Seoul\)/);
  assert.equal(await p.locator('.usage-label.today').textContent(), '오늘');
  await p.getByText('아직 만든 키가 없어요.').waitFor();

  // an empty name is refused under its field, before asking the server
  await p.getByRole('button', { name: '키 만들기' }).click();
  assert.equal(await p.locator('[data-error-for="name"]').textContent(), '필수 항목이에요.');

  await p.getByLabel('키 이름').fill('CI 서버');
  const created = p.waitForResponse((r) => r.url().endsWith('/api/keys'));
  await p.getByRole('button', { name: '키 만들기' }).click();
  assert.equal((await created).status(), 201);
  const fresh = p.locator('.fresh-key');
  await fresh.waitFor();
  const key = (await p.getByTestId('new-key').textContent()).trim();
  assert.match(key, KEY_RE);
  await fresh.getByText('이 키는 다시 보여 드리지 않아요').waitFor();
  // the focus moves to the new key's box
  assert.equal(await p.evaluate(() => document.activeElement.id), 'fresh-key-title');

  await fresh.getByRole('button', { name: '키 복사' }).click();
  await fresh.getByRole('status').filter({ hasText: '복사했어요.' }).first().waitFor();
  assert.equal(await clipboard(p), key);

  // the examples use the key and this site's /v1, and copy as shown
  const code = fresh.locator('pre.example-code');
  assert.match(await code.textContent(), new RegExp(`^curl ${server.base}/v1/chat/completions \\\\\n  -H "Authorization: Bearer ${key}"`));
  await fresh.getByRole('tab', { name: 'Python' }).click();
  assert.match(await code.textContent(), new RegExp(`OpenAI\\(\n    base_url="${server.base}/v1",\n    api_key="${key}",\n\\)`));
  await fresh.getByRole('tab', { name: 'JavaScript' }).click();
  const js = await code.textContent();
  assert.match(js, new RegExp(`new OpenAI\\(\\{\n  baseURL: '${server.base}/v1',\n  apiKey: '${key}',\n\\}\\)`));
  await fresh.getByRole('button', { name: '예제 복사' }).click();
  assert.equal(await clipboard(p), js);

  // listed by name and prefix, never used yet
  const item = p.locator('.key-item').filter({ hasText: 'CI 서버' });
  assert.equal(await item.locator('.key-prefix').textContent(), `${key.slice(0, 12)}…`);
  await item.getByText('사용한 적 없음').waitFor();
  assert.equal(await p.locator('.key-count').textContent(), '1/10개');
  assert.equal(await sidewaysOverflow(p), 0);
  await shot(p, 'keys-new');

  // two questions through the API with the key: the examples as copied, run
  const fromJs = await run('node', ['--input-type=module', '-e', js]);
  assert.equal(fromJs, `${ANSWER}\n`);
  await fresh.getByRole('tab', { name: 'curl' }).click();
  await fresh.getByRole('button', { name: '예제 복사' }).click();
  const fromCurl = JSON.parse(await run('bash', ['-c', `${await clipboard(p)} --silent --show-error --fail`]));
  assert.equal(fromCurl.choices[0].message.content, ANSWER);

  // after a reload: the key is nowhere on the page, its use is
  await p.reload();
  await ready(p);
  assert.equal(await p.locator('.fresh-key').count(), 0);
  assert.ok(!(await p.content()).includes(key), 'the page still shows the key after a reload');
  assert.ok(!(await p.evaluate(() => document.body.innerText)).includes(key.slice(12)));
  await item.getByText(/^마지막 사용 /).waitFor();
  const bar = await todayBar(p);
  assert.equal(bar.requests, 2);
  assert.match(bar.title, /: 2번$/);
  assert.equal(await p.getByTestId('usage-today').textContent(), '2');
  assert.equal(await p.getByTestId('usage-total').textContent(), '2');
  assert.equal(await p.locator('.usage-svg').getAttribute('aria-label'), '최근 30일 동안 질문 2번, 오늘 2번');
  await p.locator('section.usage').scrollIntoViewIfNeeded();
  await shot(p, 'usage');
  // the table says the same, newest first
  await p.getByText('표로 보기').click();
  const row = p.locator('.usage-table tbody tr').first();
  assert.equal(await row.locator('td').textContent(), '2');
  assert.equal(await p.locator('.usage-table tbody tr').count(), 30);
  assert.equal(await sidewaysOverflow(p), 0);

  // delete: one inline question, Escape takes it back
  const del = item.getByRole('button', { name: '“CI 서버” 키 삭제' });
  await del.click();
  const ask = item.getByRole('group', { name: /“CI 서버” 키를 삭제할까요\?/ });
  await ask.waitFor();
  await p.keyboard.press('Escape');
  await ask.waitFor({ state: 'detached' });
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), '“CI 서버” 키 삭제');
  await del.click();
  await shot(p, 'keys-delete');
  const deleted = p.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/api/collections/api_keys/records/'));
  await ask.getByRole('button', { name: '삭제', exact: true }).click();
  assert.equal((await deleted).status(), 204);
  await item.waitFor({ state: 'detached' });
  await p.getByText('아직 만든 키가 없어요.').waitFor();
  assert.equal(await p.locator('.key-count').textContent(), '0/10개');

  // the server agrees: no key left, and the deleted one no longer opens /v1
  const list = await api(server.base, user.token, 'GET', '/api/collections/api_keys/records');
  assert.equal(list.status, 200);
  assert.equal(list.body.items.length, 0);
  const refused = await api(server.base, key, 'GET', '/v1/models');
  assert.equal(refused.status, 401);
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('ten keys at most: the tenth from the page, the form gives way to the limit; a day of expiry; the web app and the API share the chart (1280, English)', async () => {
  const user = await newUser('tenkeys');
  const made = [];
  for (let i = 1; i <= 9; i++) {
    const res = await api(server.base, user.token, 'POST', '/api/keys', { name: `script ${i}` });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    made.push(res.body);
  }
  // one question in the web app's endpoint, one through /v1
  const asked = await api(server.base, user.token, 'POST', '/api/chat', { content: '핑계 대지 않는 대사', stream: false });
  assert.equal(asked.status, 201, JSON.stringify(asked.body));
  await v1Chat(made[0].key, 'Lines about not making excuses');

  const p = await openProfile(user, { width: 1280, locale: 'en-US' });
  assert.equal(await p.locator('.key-count').textContent(), '9 of 10');
  assert.equal(await p.locator('.key-item').count(), 9);
  // the list never holds a key, only prefixes
  const html = await p.content();
  for (const k of made) {
    assert.ok(!html.includes(k.key), 'a listed key shows its secret');
    assert.ok(html.includes(`${k.key.slice(0, 12)}…`));
  }
  assert.equal((await todayBar(p)).requests, 2);
  assert.equal(await p.locator('.usage-svg').getAttribute('aria-label'), '2 questions in the last 30 days, 2 today');
  assert.match(await p.locator('.usage-chart figcaption').textContent(), /Days follow Korea time \(Asia\/Seoul\)\./);
  await p.locator('.key-item').filter({ hasText: 'script 1' }).getByText(/^Last used /).waitFor();
  await shot(p, 'usage');

  // the tenth, with a day of expiry: the key works through that day
  const day = new Date(Date.now() + 40 * 864e5).toISOString().slice(0, 10);
  await p.getByLabel('Key name').fill('deploy bot');
  await p.getByLabel('Expires (optional)').fill(day);
  await p.getByRole('button', { name: 'Create key' }).click();
  await p.locator('.fresh-key').waitFor();
  const key = (await p.getByTestId('new-key').textContent()).trim();
  assert.match(key, KEY_RE);
  const item = p.locator('.key-item').filter({ hasText: 'deploy bot' });
  const through = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
  await item.getByText(`Valid through ${through}`).waitFor();
  assert.equal(await p.locator('.key-count').textContent(), '10 of 10');
  // at the limit the form gives way to a message
  await p.getByText('You can have up to 10 API keys. Delete one to create another.').waitFor();
  assert.equal(await p.getByLabel('Key name').isVisible(), false);
  // the server refuses an eleventh all the same
  const eleventh = await api(server.base, user.token, 'POST', '/api/keys', { name: 'one too many' });
  assert.equal(eleventh.status, 400);
  assert.ok(eleventh.body.message, 'the refusal says why');

  // the examples' tabs follow the arrow keys
  const fresh = p.locator('.fresh-key');
  await fresh.getByRole('tab', { name: 'curl' }).focus();
  await p.keyboard.press('ArrowRight');
  assert.equal(await fresh.getByRole('tab', { name: 'Python' }).getAttribute('aria-selected'), 'true');
  assert.equal(await p.evaluate(() => document.activeElement.textContent), 'Python');
  await fresh.getByRole('button', { name: 'Copy key' }).click();
  await fresh.getByRole('status').filter({ hasText: 'Copied.' }).first().waitFor();
  assert.equal(await clipboard(p), key);
  assert.equal(await sidewaysOverflow(p), 0);
  await fresh.scrollIntoViewIfNeeded();
  await shot(p, 'keys-new');

  // a switch of language draws the page again, the new key still there
  await p.getByRole('button', { name: '한국어' }).click();
  await p.getByRole('heading', { name: '새 키 “deploy bot”' }).waitFor();
  assert.equal((await p.getByTestId('new-key').textContent()).trim(), key);
  await p.getByRole('button', { name: 'English' }).click();
  await p.getByRole('heading', { name: 'Your new key “deploy bot”' }).waitFor();

  // "I have copied it" closes the box for good; deleting one brings the form back
  await fresh.getByRole('button', { name: 'I have copied it' }).click();
  await fresh.waitFor({ state: 'detached' });
  assert.ok(!(await p.content()).includes(key));
  const last = p.locator('.key-item').filter({ hasText: 'script 9' });
  await last.getByRole('button', { name: 'Delete the key “script 9”' }).click();
  await last.getByRole('group', { name: /Delete “script 9”\?/ }).getByRole('button', { name: 'Delete', exact: true }).click();
  await last.waitFor({ state: 'detached' });
  assert.equal(await p.locator('.key-count').textContent(), '9 of 10');
  await p.getByLabel('Key name').waitFor();

  await p.reload();
  await ready(p);
  assert.ok(!(await p.content()).includes(key), 'the page still shows the key after a reload');
  assert.equal(await p.locator('.key-item').count(), 9);
  // the examples stay at hand without a key
  await p.getByText('Show examples of calling the API').click();
  assert.match(await p.locator('.key-howto pre').textContent(), /Bearer YOUR_API_KEY/);
  assert.deepEqual(p.errors, []);
  await p.context().close();
});
