// Answers in a real browser: Stop while an answer streams (asked,
// regenerated or followed), the partial answer kept as stopped; Regenerate
// with ‹ 1/2 › between the answers, also after a reload; a reload in the
// middle of an answer that keeps growing; and the limit card, which never
// covers the last answer, at 375 and 1280 px, in Korean and English.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  build, startFakeOpenAI, startStovebot, launchBrowser, newPage, shot, api, superuserToken,
  sidewaysOverflow, signUp, OPENAI_KEY, ANSWER, ANSWER_PIECES, HOLD, NUMBERED,
} from '../harness.mjs';

let upstream, server, browser, su;
const pages = [];

before(async () => {
  upstream = await startFakeOpenAI({ pieceDelay: 40 });
  server = await startStovebot(build(), { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: upstream.url, STOVEBOT_DAILY_LIMIT: '20' });
  su = await superuserToken(server.base);
  browser = await launchBrowser();
});

after(async () => {
  if (upstream) upstream.release();
  if (browser) await browser.close();
  if (server) await server.stop();
  if (upstream) await upstream.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// the first piece as it reads on screen, and the end of the whole answer
const FIRST = '백승수 단장의 말이에요.';
const WHOLE_END = /우리는 핑계를 대지 않습니다[\s\S]*\[bad\]\(javascript:alert\(1\)\)$/;

// until waits for fn() to be true, checking every 50 ms.
async function until(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// newUser signs a user up (with a daily limit of their own when given).
const newUser = (name, dailyLimit) => signUp(server.base, name, { su, dailyLimit });

// openChat opens the chat of user in a page of the given width and language.
async function openChat(user, { width, locale }) {
  const p = await newPage(browser, { width, height: width < 600 ? 740 : 860, locale });
  pages.push(p);
  p.requested = [];
  p.on('request', (req) => p.requested.push(`${req.method()} ${new URL(req.url()).pathname}`));
  await p.addInitScript((auth) => localStorage.setItem('stovebot.auth', auth), JSON.stringify({ token: user.token, user: user.record }));
  await p.goto(`${server.base}/#/chat`);
  await p.locator('.dock > :not([hidden])').first().waitFor();
  return p;
}

const words = {
  en: { box: 'Your question', stop: 'Stop', stopped: 'Stopped', regenerate: 'Regenerate', prev: 'Previous answer', next: 'Next answer', copy: 'Copy answer', copied: 'Copied' },
  ko: { box: '질문', stop: '중지', stopped: '중지됨', regenerate: '다시 생성', prev: '이전 답변', next: '다음 답변', copy: '답변 복사', copied: '복사했어요' },
};

async function ask(p, w, text) {
  const box = p.getByRole('textbox', { name: w.box });
  await box.fill(text);
  await box.press('Enter');
}

const turnOf = (p, question) => p.locator('.turns > .turn', { has: p.locator('.q-bubble', { hasText: question }) });

// record is a chats record as its owner reads it, with its reply.
async function record(user, id) {
  const res = await api(server.base, user.token, 'GET', `/api/collections/chats/records/${id}?expand=reply`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

// waitHeld waits until the upstream holds n streams after their first piece.
const waitHeld = (n = 1) => until(() => upstream.held() >= n, `${n} held stream(s)`);

test('Stop ends a streaming answer: the partial text stays, marked stopped, saved so and still counted (1280, English)', async () => {
  const user = await newUser('stopper');
  const p = await openChat(user, { width: 1280, locale: 'en-US' });
  const w = words.en;
  const question = `핑계에 관한 대사 ${HOLD}`;
  const cancelledBefore = upstream.cancelled();
  await ask(p, w, question);
  const turn = turnOf(p, question);
  // the first piece is on screen and the upstream holds the rest
  await turn.locator('.a-bubble[data-state="streaming"] strong').waitFor({ timeout: 10000 });
  await waitHeld();
  // Send has become Stop, reached from the composer with the keyboard
  const stop = p.getByRole('button', { name: w.stop, exact: true });
  assert.equal(await stop.isVisible(), true);
  assert.equal(await p.locator('button.send').isVisible(), false);
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Stop');
  await shot(p, 'answer-streaming');
  await p.keyboard.press('Enter');

  await turn.locator('.a-bubble[data-state="stopped"]').waitFor({ timeout: 10000 });
  const bubble = turn.locator('.a-bubble');
  assert.equal((await bubble.textContent()).trim(), FIRST);
  assert.doesNotMatch(await bubble.textContent(), /핑계를 대지 않습니다/);
  const tools = turn.locator('.a-tools');
  assert.equal(await tools.locator('.stopped-tag').textContent(), w.stopped);
  assert.ok(await tools.locator('time').getAttribute('datetime'));
  // the composer is back, with the focus
  await p.locator('button.send').waitFor();
  assert.equal(await stop.isVisible(), false);
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), w.box);
  // a stopped answer copies like any other
  await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  await tools.getByRole('button', { name: w.copy }).click();
  await tools.getByRole('status').filter({ hasText: w.copied }).waitFor();
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), ANSWER_PIECES[0]);
  await shot(p, 'answer-stopped');

  // the server cancelled the upstream call, saved the partial answer as stopped, and counted the request
  await until(() => upstream.cancelled() > cancelledBefore, 'the upstream call to be cancelled');
  const id = await turn.getAttribute('data-id');
  const q = await record(user, id);
  assert.equal(q.status, 'stopped');
  assert.equal(q.expand.reply.status, 'stopped');
  assert.equal(q.expand.reply.content, ANSWER_PIECES[0]);
  const quota = await api(server.base, user.token, 'GET', '/api/chat/quota');
  assert.equal(quota.body.used, 1);

  // a reload shows it the same way
  await p.reload();
  await turn.locator('.a-bubble[data-state="stopped"]').waitFor();
  assert.equal((await turn.locator('.a-bubble').textContent()).trim(), FIRST);
  assert.equal(await turn.locator('.stopped-tag').textContent(), w.stopped);
  assert.deepEqual(p.errors, []);
});

test('Regenerate streams a new answer into the turn, ‹ 1/2 › goes between them, also after a reload (375, Korean)', async () => {
  const user = await newUser('regen');
  const p = await openChat(user, { width: 375, locale: 'ko-KR' });
  p.user = user; // the next test goes on here
  const w = words.ko;
  const question = `백승수 단장의 명대사 ${NUMBERED}`;
  await ask(p, w, question);
  const turn = turnOf(p, question);
  const bubble = turn.locator('.a-bubble');
  await turn.locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  assert.match(await bubble.textContent(), /Answer #1$/);
  // one answer: no switch
  assert.equal(await turn.locator('.switch').count(), 0);

  await turn.getByRole('button', { name: w.regenerate, exact: true }).click();
  // the new answer streams into the same turn, stoppable
  await turn.locator('.a-bubble[data-state="streaming"]').waitFor({ timeout: 10000 });
  await turn.locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  assert.match(await bubble.textContent(), /Answer #2$/);
  assert.equal(await p.locator('.turns > .turn').count(), 1);
  const tools = turn.locator('.a-tools');
  assert.equal(await tools.locator('.switch-count').textContent(), '2/2');
  assert.equal(await tools.getByRole('button', { name: w.next }).isDisabled(), true);
  assert.equal(await sidewaysOverflow(p), 0);
  await shot(p, 'answer-regenerated');

  await tools.getByRole('button', { name: w.prev }).click();
  assert.equal(await tools.locator('.switch-count').textContent(), '1/2');
  assert.match(await bubble.textContent(), /Answer #1$/);
  // the focus stays on the switch: at its end, on the other button
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), w.next);
  await p.keyboard.press('Enter');
  assert.equal(await tools.locator('.switch-count').textContent(), '2/2');
  assert.match(await bubble.textContent(), /Answer #2$/);
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), w.prev);
  await p.keyboard.press('Enter');
  assert.equal(await tools.locator('.switch-count').textContent(), '1/2');
  // each answer keeps its own copy button and time
  await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  await tools.getByRole('button', { name: w.copy }).click();
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), `${ANSWER}\n\nAnswer #1`);
  assert.ok(await tools.locator('time').getAttribute('datetime'));
  await tools.getByRole('button', { name: w.next }).click();
  assert.match(await bubble.textContent(), /Answer #2$/);

  // the server keeps both, and the question's reply is the newest
  const id = await turn.getAttribute('data-id');
  const list = await api(server.base, user.token, 'GET',
    `/api/collections/chats/records?${new URLSearchParams({ filter: `question='${id}'`, sort: 'created,id' })}`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.deepEqual(list.body.items.map((a) => a.content.match(/Answer #\d$/)[0]), ['Answer #1', 'Answer #2']);
  assert.equal((await record(user, id)).reply, list.body.items[1].id);
  const quota = await api(server.base, user.token, 'GET', '/api/chat/quota');
  assert.equal(quota.body.used, 2, 'a regeneration counts as a request');

  // after a reload: the newest is shown, and the older one is a click away
  await p.reload();
  await turn.locator('.a-bubble[data-state="done"]').waitFor();
  assert.equal(await tools.locator('.switch-count').textContent(), '2/2');
  assert.match(await bubble.textContent(), /Answer #2$/);
  await tools.getByRole('button', { name: w.prev }).click();
  assert.match(await bubble.textContent(), /Answer #1$/);
  assert.equal(await sidewaysOverflow(p), 0);
  assert.deepEqual(p.errors, []);
});

test('a regeneration can be stopped, and one running at a reload is followed (375, Korean)', async () => {
  const p = pages[pages.length - 1];
  const w = words.ko;
  const question = `이세영 팀장의 대사 ${HOLD}`;
  await ask(p, w, question);
  await waitHeld();
  upstream.release();
  const turn = turnOf(p, question);
  await turn.locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });

  await turn.getByRole('button', { name: w.regenerate, exact: true }).click();
  await turn.locator('.a-bubble[data-state="streaming"] strong').waitFor({ timeout: 10000 });
  await waitHeld();
  // the regenerate button pressed is gone: the focus is on Stop
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), w.stop);
  await shot(p, 'answer-regenerating');
  await p.getByRole('button', { name: w.stop, exact: true }).click();
  await turn.locator('.a-bubble[data-state="stopped"]').waitFor({ timeout: 10000 });
  assert.equal((await turn.locator('.a-bubble').textContent()).trim(), FIRST);
  const tools = turn.locator('.a-tools');
  assert.equal(await tools.locator('.stopped-tag').textContent(), w.stopped);
  assert.equal(await tools.locator('.switch-count').textContent(), '2/2');
  await tools.getByRole('button', { name: w.prev }).click();
  assert.equal(await turn.locator('.a-bubble').getAttribute('data-state'), 'done');
  assert.match(await turn.locator('.a-bubble').textContent(), WHOLE_END);
  assert.equal(await tools.locator('.stopped-tag').count(), 0);
  // the server: the question stopped, its reply the stopped answer, the first one kept
  const id = await turn.getAttribute('data-id');
  const q = await record(p.user, id);
  assert.equal(q.status, 'stopped');
  assert.equal(q.expand.reply.status, 'stopped');
  assert.equal(q.expand.reply.content, ANSWER_PIECES[0]);

  // a third answer, still being written when the page reloads: the two
  // before it stay behind the switch, and it grows on screen, stoppable
  await tools.getByRole('button', { name: w.regenerate, exact: true }).click();
  await turn.locator('.a-bubble[data-state="streaming"] strong').waitFor({ timeout: 10000 });
  await waitHeld();
  await p.reload();
  await turn.locator('.a-bubble[data-state="streaming"] strong').waitFor({ timeout: 10000 });
  assert.equal(await turn.locator('.a-bubble').textContent(), FIRST);
  assert.equal(await p.getByRole('button', { name: w.stop, exact: true }).isVisible(), true);
  assert.ok(p.requested.includes(`GET /api/chat/${id}/stream`));
  upstream.release();
  await turn.locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  assert.match(await turn.locator('.a-bubble').textContent(), WHOLE_END);
  assert.equal(await tools.locator('.switch-count').textContent(), '3/3');
  await tools.getByRole('button', { name: w.prev }).click();
  assert.equal(await tools.locator('.switch-count').textContent(), '2/3');
  assert.equal(await tools.locator('.stopped-tag').textContent(), w.stopped);
  assert.equal(await sidewaysOverflow(p), 0);
  await shot(p, 'answer-switch');
  assert.deepEqual(p.errors, []);
});

// askAndReload asks a question that the fake holds after its first piece,
// reloads the page once that piece shows, and returns the question's turn
// once the piece shows again, followed.
async function askAndReload(p, w, question) {
  await ask(p, w, question);
  const turn = turnOf(p, question);
  await turn.locator('.a-bubble[data-state="streaming"] strong').waitFor({ timeout: 10000 });
  await waitHeld();
  await p.reload();
  await turn.locator('.a-bubble[data-state="streaming"] strong').waitFor({ timeout: 10000 });
  return turn;
}

test('a reload in the middle of an answer follows it as it grows, and it can still be stopped (1280, English)', async () => {
  const user = await newUser('follower');
  const p = await openChat(user, { width: 1280, locale: 'en-US' });
  const w = words.en;
  const question = `다행이라고 한 장면 ${HOLD}`;
  const turn = await askAndReload(p, w, question);
  // the text so far, still being written, with Stop
  assert.equal(await turn.locator('.a-bubble').textContent(), FIRST);
  assert.equal(await p.getByRole('button', { name: w.stop, exact: true }).isVisible(), true);
  const id = await turn.getAttribute('data-id');
  assert.ok(p.requested.includes(`GET /api/chat/${id}/stream`), `requests: ${p.requested.filter((r) => r.includes('/api/chat'))}`);
  await shot(p, 'answer-followed');
  // the rest arrives on the same screen
  upstream.release();
  await turn.locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  assert.match(await turn.locator('.a-bubble').textContent(), WHOLE_END);
  await p.locator('button.send').waitFor();
  assert.equal(await turn.locator('.a-tools time').count(), 1);

  // another answer, followed after a reload and stopped from there
  const second = `두 번째 질문 ${HOLD}`;
  const turn2 = await askAndReload(p, w, second);
  await p.getByRole('button', { name: w.stop, exact: true }).click();
  await turn2.locator('.a-bubble[data-state="stopped"]').waitFor({ timeout: 10000 });
  assert.equal((await turn2.locator('.a-bubble').textContent()).trim(), FIRST);
  assert.equal(await turn2.locator('.stopped-tag').textContent(), w.stopped);
  const q = await record(user, await turn2.getAttribute('data-id'));
  assert.equal(q.status, 'stopped');
  assert.equal(q.expand.reply.content, ANSWER_PIECES[0]);
  assert.deepEqual(p.errors, []);
});

// clearOfCard measures the end of the last answer (its time and buttons)
// against the limit card and the bottom of what the reader sees.
function clearOfCard(p) {
  return p.evaluate(() => {
    const turn = [...document.querySelectorAll('.turns > .turn')].pop();
    const end = turn.querySelector('.a-tools').getBoundingClientRect();
    const card = document.querySelector('.limit-card').getBoundingClientRect();
    const bar = document.querySelector('.tabbar');
    const floor = bar && bar.getClientRects().length ? bar.getBoundingClientRect().top : window.innerHeight;
    const ok = end.height > 0 && end.bottom <= card.top && end.top >= 0 && card.bottom <= floor + 1;
    return { ok, end: end.bottom, card: [card.top, card.bottom], floor };
  });
}

async function expectClear(p, what) {
  await p.waitForFunction(() => {
    const turn = [...document.querySelectorAll('.turns > .turn')].pop();
    return turn && turn.querySelector('.a-tools:not([hidden])') && document.querySelector('.limit-card:not([hidden])');
  }, null, { timeout: 20000 });
  let last;
  await until(async () => (last = await clearOfCard(p)).ok, `${what}: ${JSON.stringify(last)}`, 5000).catch(() => {
    assert.fail(`${what}: the limit card covers the last answer or is out of view: ${JSON.stringify(last)}`);
  });
  // and it stays so once everything has settled
  await sleep(700);
  last = await clearOfCard(p);
  assert.ok(last.ok, `${what}: ${JSON.stringify(last)}`);
}

test('the limit card never covers the last answer of a long thread, at 375 and 1280; regenerate there is refused like a question', async () => {
  const user = await newUser('limited', 3);
  // a long thread: two long answers first
  let conversation;
  for (const q of ['첫 번째 긴 질문', '두 번째 긴 질문']) {
    const res = await api(server.base, user.token, 'POST', '/api/chat', conversation ? { content: q, conversation } : { content: q });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    conversation = res.body.chat.conversation;
  }
  // the last question of the day, asked on a phone: the card takes the composer's place when it is done
  const phone = await openChat(user, { width: 375, locale: 'ko-KR' });
  await phone.locator('.turns > .turn').nth(1).waitFor();
  await ask(phone, words.ko, '마지막 질문이에요');
  await turnOf(phone, '마지막 질문이에요').locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
  await expectClear(phone, '375 after the last answer');
  assert.equal(await sidewaysOverflow(phone), 0);
  await shot(phone, 'answer-limit');
  // and after a reload
  await phone.reload();
  await phone.locator('.turns > .turn').nth(2).waitFor();
  await expectClear(phone, '375 after a reload');
  assert.deepEqual(phone.errors, []);

  const desk = await openChat(user, { width: 1280, locale: 'en-US' });
  await desk.locator('.turns > .turn').nth(2).waitFor();
  await expectClear(desk, '1280 after a reload');
  await shot(desk, 'answer-limit');
  // a regeneration at the limit is refused like a question: the answer stays, the reason is said
  const last = turnOf(desk, '마지막 질문이에요');
  const before = await last.locator('.a-bubble').textContent();
  await last.getByRole('button', { name: words.en.regenerate, exact: true }).click();
  await last.locator('.a-note .fail').filter({ hasText: 'used all 3 chat requests' }).waitFor({ timeout: 10000 });
  assert.equal(await last.locator('.a-bubble').getAttribute('data-state'), 'done');
  assert.equal(await last.locator('.a-bubble').textContent(), before);
  assert.equal(await last.locator('.switch').count(), 0);
  assert.equal(await desk.locator('.limit-card').isVisible(), true);
  assert.equal(await desk.locator('button.send').isVisible(), false);
  const quota = await api(server.base, user.token, 'GET', '/api/chat/quota');
  assert.equal(quota.body.used, 3);
  assert.deepEqual(desk.errors, []);
});
