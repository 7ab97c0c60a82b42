// Chat in a real browser: sign up, a streamed answer that grows before it
// is done, the count going down, a failed answer retried with the same
// Idempotency-Key (replacing the failed attempt), history after a reload, the limit state, delete, and
// older pages loaded at the top.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  build, startFakeOpenAI, startStovebot, launchBrowser, newPage, shot, api, superuserToken,
  sidewaysOverflow, OPENAI_KEY, ANSWER,
} from '../harness.mjs';

let upstream, server, browser, page;
const bodies = []; // every text response the browser received, for the key check
const chatRequests = [];
const dialogs = []; // an alert() would mean model text ran as code
const email = `fan${Date.now()}@dreams.kr`;
const password = 'seungsu-1234';

before(async () => {
  const bin = build();
  upstream = await startFakeOpenAI();
  // a limit other than the default 2000 shows the UI counts with the server's
  server = await startStovebot(bin, { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: upstream.url, STOVEBOT_MAX_CHARS: '1500' });
  browser = await launchBrowser();
  page = await newPage(browser, { width: 1280, locale: 'en-US' });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on('request', (req) => {
    if (req.url().endsWith('/api/chat') && req.method() === 'POST') chatRequests.push(req.headers());
  });
  page.on('response', async (res) => {
    const type = res.headers()['content-type'] || '';
    if (!/text|json|javascript|svg|css/.test(type)) return;
    try { bodies.push({ url: res.url(), text: await res.text() }); } catch { /* streamed or gone */ }
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (upstream) await upstream.close();
});

const quotaValue = () => page.locator('.rail .quota-value');
const lastTurn = () => page.locator('.turns > .turn').last();

async function ask(text) {
  const box = page.getByRole('textbox', { name: 'Your question' });
  await box.fill(text);
  await box.press('Enter');
}

async function waitDone(turn) {
  await turn.locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
}

test('a visitor meets the front page, signs up, and lands in an empty chat', async () => {
  await page.goto(`${server.base}/`);
  await page.waitForURL(/#\/home$/);
  await page.locator('.visitor-bar').getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(/#\/signin$/);
  await page.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
  await shot(page, 'signin');
  // errors appear under their field
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('[data-error-for="identity"]').waitFor();
  await page.getByRole('link', { name: /Sign up/ }).click();
  await page.waitForURL(/#\/signup$/);
  await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill('something-else');
  await page.getByRole('button', { name: 'Sign up' }).click();
  assert.match(await page.locator('[data-error-for="passwordConfirm"]').textContent(), /do not match/);
  await shot(page, 'signup-error');
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(/#\/chat$/);
  await page.locator('.empty-chat').waitFor();
  // suggested questions come from approved quotes, and there are none yet
  assert.equal(await page.locator('.suggestion').count(), 0);
  await page.waitForFunction(() => document.querySelector('.rail .quota-value')?.textContent === '5 / 5');
  assert.match(await page.locator('.rail .quota-detail').textContent(), /5 of 5 left today · resets at midnight \(GMT\+9\)/);
  // the send button is disabled while the composer is empty
  assert.equal(await page.locator('button.send').isDisabled(), true);
  await shot(page, 'chat-empty');
  // Shift+Enter breaks the line without sending; the composer grows to about 6 lines
  const box = page.getByRole('textbox', { name: 'Your question' });
  const oneLine = (await box.boundingBox()).height;
  await box.focus();
  for (let i = 1; i <= 10; i++) {
    await page.keyboard.type(`line ${i}`);
    if (i < 10) await page.keyboard.press('Shift+Enter');
  }
  assert.equal(await box.inputValue(), Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n'));
  assert.equal(await page.locator('.turns .turn').count(), 0);
  assert.equal(await page.locator('button.send').isDisabled(), false);
  const grown = (await box.boundingBox()).height;
  assert.ok(grown > oneLine * 3 && grown < oneLine * 8, `composer height ${grown} for one line of ${oneLine}`);
  await box.fill('');
  assert.equal(await page.locator('button.send').isDisabled(), true);
  // near the server's limit (STOVEBOT_MAX_CHARS) a live count appears
  await box.fill('가'.repeat(1400));
  assert.equal(await page.locator('.composer .counter').textContent(), '1400/1500 characters');
  await box.fill('가'.repeat(1501));
  assert.equal(await page.locator('button.send').isDisabled(), true);
  await box.fill('');
});

test('an answer streams in, grows before it is done, renders safely, and the count goes down', async () => {
  await page.evaluate(() => {
    window.__samples = [];
    const list = document.querySelector('.turns');
    new MutationObserver(() => {
      const b = list.querySelector('.turn:last-child .a-bubble');
      if (b) window.__samples.push({ state: b.dataset.state, len: b.textContent.length, at: performance.now() });
    }).observe(list, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await ask('백승수 단장의 명대사를 알려줘');
  // the question shows at once, with a typing indicator in the answer's place
  await lastTurn().locator('.typing').waitFor({ timeout: 5000 });
  await waitDone(lastTurn());
  const samples = await page.evaluate(() => window.__samples);
  const streaming = samples.filter((s) => s.state === 'streaming' && s.len > 0);
  const lengths = [...new Set(streaming.map((s) => s.len))];
  assert.ok(lengths.length >= 3, `expected the answer to grow in at least 3 steps, saw lengths ${lengths}`);
  assert.ok(lengths.every((l, i) => i === 0 || l > lengths[i - 1]), `expected growing lengths, saw ${lengths}`);
  const spread = streaming[streaming.length - 1].at - streaming[0].at;
  assert.ok(spread > 600, `expected pieces to arrive over time, all came within ${spread} ms`);

  const bubble = lastTurn().locator('.a-bubble');
  assert.equal(await bubble.getAttribute('aria-live'), 'polite');
  assert.equal(await bubble.locator('strong').first().textContent(), '백승수');
  assert.equal(await bubble.locator('em').first().textContent(), '이세영');
  assert.equal(await bubble.locator('code').first().textContent(), '드림즈');
  assert.equal(await bubble.locator('li').count(), 2);
  assert.match(await bubble.locator('figure.quote-card blockquote').textContent(), /우리는 핑계를 대지 않습니다/);
  assert.match(await bubble.locator('figure.quote-card figcaption').textContent(), /백승수 · 1화/);
  const links = await bubble.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.rel, a.target, a.textContent]));
  assert.deepEqual(links, [
    ['https://example.com/stove?x=1', 'noopener noreferrer', '_blank', 'https://example.com/stove?x=1'],
    ['https://example.org/dreams', 'noopener noreferrer', '_blank', 'dreams'],
  ]);
  // markup from the model is text, never elements
  assert.equal(await bubble.locator('script, img, iframe').count(), 0);
  assert.match(await bubble.textContent(), /<script>alert\("pwned"\)<\/script><img src=x onerror="alert\(2\)">/);
  assert.match(await bubble.textContent(), /\[bad\]\(javascript:alert\(1\)\)/);
  assert.deepEqual(dialogs, []);

  await page.waitForFunction(() => document.querySelector('.rail .quota-value')?.textContent === '4 / 5');
  // the server called the upstream with the key, streaming
  const call = upstream.calls.find((c) => c.url.endsWith('/chat/completions'));
  assert.equal(call.headers.authorization, `Bearer ${OPENAI_KEY}`);
  assert.equal(call.body.stream, true);
  await shot(page, 'chat-answer');
});

test('a failed answer says why, is not counted, and its retry reuses the Idempotency-Key', async () => {
  const before = chatRequests.length;
  await ask('FAIL-ONCE 핑계에 관한 대사');
  await lastTurn().locator('.a-note .fail').waitFor({ timeout: 20000 });
  assert.equal(await lastTurn().locator('.a-bubble').getAttribute('data-state'), 'failed');
  assert.match(await lastTurn().locator('.a-note .fail').textContent(), /No answer/);
  assert.doesNotMatch(await lastTurn().locator('.a-note').textContent(), /sk-test|exploded/);
  await page.waitForFunction(() => document.querySelector('.rail .quota-value')?.textContent === '4 / 5');
  await shot(page, 'chat-failed');
  await lastTurn().getByRole('button', { name: 'Try again' }).click();
  await waitDone(lastTurn());
  await page.waitForFunction(() => document.querySelector('.rail .quota-value')?.textContent === '3 / 5');
  const keys = chatRequests.slice(before).map((h) => h['idempotency-key']);
  assert.equal(keys.length, 2);
  assert.ok(keys[0] && keys[0] === keys[1], `expected the retry to reuse the key, got ${keys}`);
});

test('a reload keeps the session, the history and the count', async () => {
  await page.reload();
  await page.locator('.turns .a-bubble[data-state="done"]').first().waitFor();
  const questions = await page.locator('.q-bubble').allTextContents();
  assert.ok(questions.includes('백승수 단장의 명대사를 알려줘'), `history: ${questions}`);
  // the retried question once, answered: the failed attempt was replaced
  assert.equal(questions.filter((q) => q === 'FAIL-ONCE 핑계에 관한 대사').length, 1, `history: ${questions}`);
  // newest at the bottom
  assert.equal(questions[questions.length - 1], 'FAIL-ONCE 핑계에 관한 대사');
  assert.equal(await lastTurn().locator('.a-bubble').getAttribute('data-state'), 'done');
  const first = page.locator('.turn', { hasText: '백승수 단장의 명대사를 알려줘' }).first();
  assert.equal(await first.locator('.a-bubble strong').first().textContent(), '백승수');
  await page.waitForFunction(() => document.querySelector('.rail .quota-value')?.textContent === '3 / 5');
});

test('a finished answer shows its time, and copies as a whole or line by line', async () => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  const first = page.locator('.turn', { hasText: '백승수 단장의 명대사를 알려줘' }).first();
  const tools = first.locator('.a-tools');
  // the answer's time, from its saved record
  const when = await tools.locator('time').getAttribute('datetime');
  assert.ok(Math.abs(Date.parse(when) - Date.now()) < 10 * 60 * 1000, `answer time ${when}`);
  await tools.getByRole('button', { name: 'Copy answer' }).click();
  await tools.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), ANSWER);
  // the quote card in the answer has a button of its own
  const card = first.locator('.a-bubble figure.quote-card').first();
  await card.getByRole('button', { name: 'Copy line' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '“우리는 핑계를 대지 않습니다.” — 백승수 · 1화');
  // an answer still failing has neither
  assert.equal(await page.locator('.turn .a-bubble[data-state="failed"] ~ .a-tools:not([hidden])').count(), 0);
});

test('after the fifth request the composer gives way to the limit card with a live countdown', async () => {
  const done = async (q) => page.locator('.turn', { hasText: q }).locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  for (const q of ['인생에 관한 대사', '다행이라고 말한 장면']) {
    await ask(q);
    await done(q);
  }
  // a failed attempt (not counted), then the last request of the day
  await ask('FAIL-ONCE 마지막 화 직전');
  const failedTurn = page.locator('.turn', { hasText: 'FAIL-ONCE 마지막 화 직전' });
  await failedTurn.locator('.a-note .fail').waitFor({ timeout: 20000 });
  await ask('마지막 화의 명대사');
  await done('마지막 화의 명대사');
  await page.locator('.limit-card').waitFor();
  // its retry is refused by the limit: the turn stays, saying why
  await failedTurn.getByRole('button', { name: 'Try again' }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('.turn')].some((el) =>
    el.textContent.includes('FAIL-ONCE 마지막 화 직전') && el.querySelector('.a-note .fail')?.textContent.includes('used all 5 chat requests')));
  assert.equal(await failedTurn.count(), 1);
  assert.equal(await page.locator('button.send').isVisible(), false);
  assert.equal(await page.getByRole('textbox', { name: 'Your question' }).isVisible(), false);
  assert.equal(await quotaValue().textContent(), '0 / 5');
  assert.match(await page.locator('.limit-card').textContent(),
    /You can ask 5 questions a day\. The next one is possible on \w+day at midnight \(GMT\+9\)\./);
  const c1 = await page.locator('.countdown').textContent();
  assert.match(c1, /^\d+:\d\d:\d\d to go$/);
  await page.waitForFunction((c) => document.querySelector('.countdown').textContent !== c, c1, { timeout: 3000 });
  // the server agrees: a sixth request is refused
  const sixth = await page.evaluate(async () => {
    const { token } = JSON.parse(localStorage.getItem('stovebot.auth'));
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: 'one more' }),
    });
    return { status: res.status, retry: res.headers.get('Retry-After') };
  });
  assert.equal(sixth.status, 429);
  assert.ok(Number(sixth.retry) > 0);
  await page.reload();
  await page.locator('.limit-card').waitFor();
  assert.equal(await page.locator('button.send').isVisible(), false);
  await shot(page, 'chat-limit');
});

test('the chat works at 375 px without sideways scrolling', async () => {
  const token = await page.evaluate(() => localStorage.getItem('stovebot.auth'));
  const phone = await newPage(browser, { width: 375, height: 740, locale: 'ko-KR' });
  await phone.addInitScript((t) => localStorage.setItem('stovebot.auth', t), token);
  await phone.goto(`${server.base}/#/chat`);
  await phone.locator('.limit-card').waitFor();
  const pill = phone.locator('.topbar .quota-pill');
  assert.match(await pill.textContent(), /오늘 0\/5 남음 · 자정 초기화/);
  assert.ok((await pill.boundingBox()).height < 40, 'the quota pill stays one slim line');
  assert.match(await phone.locator('.limit-card').textContent(), /다음 질문은 \S+요일 자정\(GMT\+9\)부터 가능해요/);
  assert.equal(await phone.locator('.tabbar').isVisible(), true);
  assert.equal(await phone.locator('.rail').isVisible(), false);
  assert.equal(await sidewaysOverflow(phone), 0);
  await shot(phone, 'chat-limit');
  assert.deepEqual(phone.errors, []);
  await phone.context().close();
});

test('delete asks once, inline, and removes the question and its answer', async () => {
  const turn = page.locator('.turn', { hasText: '인생에 관한 대사' });
  await turn.getByRole('button', { name: 'Delete' }).click();
  const confirm = turn.getByRole('group', { name: 'Delete this question and its answer?' });
  await confirm.waitFor();
  // Escape cancels
  await page.keyboard.press('Escape');
  await confirm.waitFor({ state: 'detached' });
  await turn.getByRole('button', { name: 'Delete' }).click();
  await turn.getByRole('group').getByRole('button', { name: 'Delete' }).click();
  await turn.waitFor({ state: 'detached' });
  await page.reload();
  await page.locator('.turns .turn').first().waitFor();
  const questions = await page.locator('.q-bubble').allTextContents();
  assert.ok(!questions.includes('인생에 관한 대사'), `history after delete: ${questions}`);
  assert.ok(questions.includes('다행이라고 말한 장면'));
});

test('older pages load when the reader scrolls to the top, keeping the position', async () => {
  const su = await superuserToken(server.base);
  const other = { email: `pager${Date.now()}@dreams.kr`, password: 'pager-12345' };
  const created = await api(server.base, null, 'POST', '/api/collections/users/records',
    { ...other, passwordConfirm: other.password });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  for (let i = 1; i <= 25; i++) {
    const a = await api(server.base, su, 'POST', '/api/collections/chats/records',
      { user: created.body.id, role: 'assistant', content: `Answer ${i}`, status: 'done' });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const q = await api(server.base, su, 'POST', '/api/collections/chats/records',
      { user: created.body.id, role: 'user', content: `History ${i}`, status: 'done', reply: a.body.id });
    assert.equal(q.status, 200, JSON.stringify(q.body));
  }
  const p = await newPage(browser, { width: 1280, height: 700, locale: 'en-US' });
  await p.goto(`${server.base}/#/signin`);
  await p.getByLabel('Email').fill(other.email);
  await p.getByLabel('Password').fill(other.password);
  await p.getByLabel('Password').press('Enter');
  await p.waitForURL(/#\/chat$/);
  await p.locator('.turn', { hasText: 'History 25' }).waitFor();
  assert.equal(await p.locator('.turn').count(), 20);
  assert.equal(await p.locator('.q-bubble').last().textContent(), 'History 25');
  assert.equal(await p.locator('.q-bubble', { hasText: /^History 5$/ }).count(), 0);
  // the newest is in view
  assert.ok(await p.evaluate(() => window.scrollY > 0));
  // a question asked meanwhile shifts nothing: the older page follows the oldest shown
  const box = p.getByRole('textbox', { name: 'Your question' });
  await box.fill('새 질문');
  await box.press('Enter');
  await p.locator('.turn', { hasText: '새 질문' }).locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  const anchor = p.locator('.turn', { has: p.locator('.q-bubble', { hasText: /^History 6$/ }) });
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.locator('.q-bubble', { hasText: /^History 1$/ }).waitFor();
  assert.equal(await p.locator('.turn').count(), 26);
  assert.equal(await anchor.count(), 1);
  assert.equal(await p.locator('.q-bubble').first().textContent(), 'History 1');
  assert.equal(await p.locator('.q-bubble').last().textContent(), '새 질문');
  // the reader still looks at what was at the top, not at History 1
  const where = await anchor.boundingBox();
  assert.ok(where.y > -50 && where.y < 300, `expected History 6 near the top of the view, at ${where.y}`);
  await shot(p, 'chat-history');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('a reload in the middle of an answer shows it once finished; a cut answer keeps its text and is retried', async () => {
  const other = { email: `reload${Date.now()}@dreams.kr`, password: 'reload-12345' };
  const created = await api(server.base, null, 'POST', '/api/collections/users/records',
    { ...other, passwordConfirm: other.password });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const p = await newPage(browser, { width: 1280, height: 800, locale: 'en-US' });
  await p.goto(`${server.base}/#/signin`);
  await p.getByLabel('Email').fill(other.email);
  await p.getByLabel('Password').fill(other.password);
  await p.getByLabel('Password').press('Enter');
  await p.waitForURL(/#\/chat$/);
  const box = p.getByRole('textbox', { name: 'Your question' });
  await box.fill('중간에 새로고침');
  await box.press('Enter');
  // leave as soon as the first piece is on screen
  await p.locator('.turns .a-bubble[data-state="streaming"] strong').first().waitFor({ timeout: 10000 });
  await p.reload();
  const turn = p.locator('.turn', { hasText: '중간에 새로고침' });
  await turn.waitFor();
  await turn.locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  assert.match(await turn.locator('.a-bubble').textContent(), /우리는 핑계를 대지 않습니다/);
  await p.waitForFunction(() => document.querySelector('.rail .quota-value')?.textContent === '4 / 5');

  // an answer cut in the middle keeps its text, says it failed, is not counted, and can be retried
  await box.fill('CUT-ONCE 끊기는 답변');
  await box.press('Enter');
  const cut = p.locator('.turn', { hasText: 'CUT-ONCE 끊기는 답변' });
  await cut.locator('.a-note .fail').waitFor({ timeout: 20000 });
  assert.equal(await cut.locator('.a-bubble').getAttribute('data-state'), 'failed');
  assert.match(await cut.locator('.a-note .fail').textContent(), /The answer stopped halfway/);
  assert.match(await cut.locator('.a-bubble').textContent(), /백승수 단장의 말이에요/);
  assert.doesNotMatch(await cut.locator('.a-bubble').textContent(), /자세한 건/);
  await p.waitForFunction(() => document.querySelector('.rail .quota-value')?.textContent === '4 / 5');
  await shot(p, 'chat-cut');
  await cut.getByRole('button', { name: 'Try again' }).click();
  await cut.locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  assert.match(await cut.locator('.a-bubble').textContent(), /자세한 건/);
  assert.equal(await cut.locator('.a-note .fail').count(), 0);
  await p.waitForFunction(() => document.querySelector('.rail .quota-value')?.textContent === '3 / 5');
  // after a reload the cut attempt is gone: one turn, with the whole answer
  await p.reload();
  await cut.locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  assert.equal(await cut.count(), 1);
  assert.match(await cut.locator('.a-bubble').textContent(), /자세한 건/);
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('no page, script or answer the browser received contains the OpenAI key', () => {
  assert.ok(bodies.length > 10, `only ${bodies.length} responses recorded`);
  assert.ok(bodies.some((b) => b.url.endsWith('/js/app.js')));
  for (const b of bodies) {
    assert.ok(!b.text.includes(OPENAI_KEY), `${b.url} contains the key`);
    assert.ok(!b.text.includes('sk-test-SECRET'), `${b.url} contains the key prefix`);
  }
  assert.ok(ANSWER.length > 0);
  assert.deepEqual(page.errors, []);
});
