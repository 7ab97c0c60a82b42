// The moderators' review queue at #/review: a moderator at 1280 px in
// English approves, edits and approves, rejects with a reason, and clears
// the rest with select-all and one bulk approval, with the count on the
// navigation; a near copy of an approved line gets a hint. A superuser at
// 375 px in Korean lands on the queue. The author sees the rejection on
// the board.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  build, startStovebot, launchBrowser, newPage, shot, api, superuserToken, sidewaysOverflow, ADMIN,
} from '../harness.mjs';

const QUOTES = '/api/collections/quotes/records';
const PENDING = `${QUOTES}?filter=${encodeURIComponent("is_apply = false && rejected_reason = ''")}&perPage=1`;
const APPROVED = { content: '우리는 핑계를 대지 않습니다. 결과로 말하겠습니다.', speaker: '백승수', episode: 1 };
const NEAR_COPY = '우린 핑계를 대지 않습니다 결과로 말하겠습니다!';
const LINES = [
  '우승하려고 온 게 아닙니다. 이기는 팀을 만들러 왔습니다.',
  '전력 분석은 숫자로 시작해서 사람으로 끝나요.',
  '연봉 협상은 서로의 가치를 확인하는 자리입니다.',
  '드림즈는 꼴찌에 익숙해지면 안 됩니다.',
  '스카우트는 남들이 못 보는 걸 보는 일이에요.',
  NEAR_COPY,
  '트레이드는 감정이 아니라 계산으로 합니다.',
  '구단의 주인은 팬입니다.',
  '선수를 믿는 것도 실력입니다.',
  '관행이라는 말로 덮을 수 있는 건 없습니다.',
  '내년이 아니라 올해 이겨야 합니다.',
  '프런트가 흔들리면 선수단도 흔들립니다.',
  '기록은 거짓말을 하지 않아요.',
  '해체를 막는 방법은 이기는 것뿐입니다.',
  '전지훈련 예산부터 다시 보겠습니다.',
  '모두가 반대할 때가 기회일 수도 있어요.',
  '사과는 말이 아니라 행동으로 하는 겁니다.',
  '유망주는 기다려 주는 만큼 자랍니다.',
  '마운드 위에서는 누구도 대신 던져 줄 수 없어요.',
  '우리는 아직 끝나지 않았습니다.',
  '팀을 위해서라면 미움받는 것도 괜찮습니다.',
  '야구는 혼자 하는 게 아니에요.',
  '시즌은 길고, 오늘은 하루일 뿐이에요.',
];
const SPEAKERS = ['백승수', '이세영', '한재희', '권경민', '임동규'];
const REASON = 'Not a line from the show.';

let server, browser, su;
const author = { email: `author${Date.now()}@dreams.kr`, password: 'suggests-lines-1' };
const moderator = { email: `mod${Date.now()}@dreams.kr`, password: 'reviews-lines-1' };
let approvedId;
const ids = []; // the suggestions, in the order they were made
let rejectedId;

before(async () => {
  server = await startStovebot(build()); // offline: no upstream configured
  browser = await launchBrowser();
  su = await superuserToken(server.base);
  const approved = await create(su, QUOTES, { ...APPROVED, is_apply: true });
  approvedId = approved.id;
  Object.assign(author, await signUp(author));
  Object.assign(moderator, await signUp(moderator));
  const promoted = await api(server.base, su, 'PATCH', `/api/collections/users/records/${moderator.id}`, { moderator: true });
  assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
  for (const [i, content] of LINES.entries()) {
    const speaker = SPEAKERS[i % SPEAKERS.length];
    ids.push((await create(author.token, QUOTES, { content, speaker, episode: (i % 16) + 1, user: author.id })).id);
  }
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// create posts a record, waiting out PocketBase's limit on creations.
async function create(token, path, body) {
  for (let tries = 0; ; tries++) {
    const r = await api(server.base, token, 'POST', path, body);
    if (r.status === 429 && tries < 20) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }
}

// signUp creates a user and signs them in through the API.
async function signUp({ email, password }) {
  const user = await create(null, '/api/collections/users/records', { email, password, passwordConfirm: password });
  const auth = await api(server.base, null, 'POST', '/api/collections/users/auth-with-password', { identity: email, password });
  assert.equal(auth.status, 200, JSON.stringify(auth.body));
  return { id: user.id, token: auth.body.token };
}

async function quote(id) {
  const r = await api(server.base, su, 'GET', `${QUOTES}/${id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function pendingLeft() {
  return (await api(server.base, su, 'GET', PENDING)).body.totalItems;
}

// signIn fills the app's sign-in form.
async function signIn(page, { email, password }, labels) {
  await page.goto(`${server.base}/#/signin`);
  await page.getByLabel(labels.email).fill(email);
  await page.getByLabel(labels.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: labels.submit }).click();
}

test('a moderator reviews the queue at 1280 px: approve, edit, reject, bulk approve', async (t) => {
  const page = await newPage(browser, { width: 1280, locale: 'en-US' });
  await signIn(page, moderator, { email: 'Email', password: 'Password', submit: 'Sign in' });
  await page.waitForURL(/#\/chat$/);
  const nav = page.locator('.rail-nav a[data-nav="review"]');
  const badge = nav.locator('.nav-count');
  await page.waitForFunction(() => document.querySelector('.rail-nav [data-nav="review"] .nav-count')?.textContent === '23');
  assert.equal(await badge.isVisible(), true);

  await nav.click();
  await page.waitForURL(/#\/review$/);
  // the address changes before hashchange draws the page
  await page.getByRole('heading', { level: 1, name: 'Review', exact: true }).waitFor();
  const items = page.locator('.review-item');
  await page.waitForFunction(() => document.querySelectorAll('.review-item').length === 23);
  assert.equal(await page.locator('.review-count').textContent(), '23 lines waiting');
  // oldest first
  assert.deepEqual(await items.locator('blockquote').allTextContents(), LINES);
  assert.match(await items.first().locator('figcaption').textContent(), /백승수 · Ep\. 1.*suggested/);

  // the near copy points to the approved line
  const near = page.locator(`.review-item[data-id="${ids[5]}"]`);
  const hint = near.locator('.review-hint');
  await hint.waitFor();
  assert.match(await hint.textContent(), /^Close to an approved line: “우리는 핑계를 대지 않습니다\./);
  assert.equal(await hint.getByRole('link').getAttribute('href'), `#/quotes/${approvedId}`);

  // approve: one click
  const first = page.locator(`.review-item[data-id="${ids[0]}"]`);
  await first.getByRole('button', { name: 'Approve', exact: true }).click();
  await first.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: `Approved: “${LINES[0].slice(0, 20)}` }).waitFor();
  assert.equal(await badge.textContent(), '22');
  assert.equal(await page.locator('.review-count').textContent(), '22 lines waiting');
  assert.equal((await quote(ids[0])).is_apply, true);
  // the keyboard moves on to the next quote
  assert.equal(await page.evaluate(() => document.activeElement.closest('.review-item').dataset.id), ids[1]);

  // edit, then save and approve
  const second = page.locator(`.review-item[data-id="${ids[1]}"]`);
  await second.getByRole('button', { name: 'Edit' }).click();
  await second.getByLabel('Line').fill('전력 분석은 숫자로 시작해서 결국 사람으로 끝나요.');
  await second.getByLabel('Episode').fill('4');
  await second.getByRole('button', { name: 'Save and approve' }).click();
  await second.waitFor({ state: 'detached' });
  assert.equal(await badge.textContent(), '21');
  const edited = await quote(ids[1]);
  assert.equal(edited.content, '전력 분석은 숫자로 시작해서 결국 사람으로 끝나요.');
  assert.equal(edited.episode, 4);
  assert.equal(edited.is_apply, true);

  // reject: a reason is required; Escape cancels
  const third = page.locator(`.review-item[data-id="${ids[2]}"]`);
  await third.getByRole('button', { name: 'Reject' }).click();
  const reason = third.getByLabel('Reason');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'rejected_reason');
  await third.locator('.reject-form').getByRole('button', { name: 'Reject' }).click();
  assert.equal(await third.locator('[data-error-for="rejected_reason"]').textContent(), 'This field is required.');
  assert.equal(await reason.getAttribute('aria-invalid'), 'true');
  const untouched = await quote(ids[2]);
  assert.equal(untouched.is_apply, false);
  assert.equal(untouched.rejected_reason, '');
  await reason.press('Escape');
  assert.equal(await third.locator('.reject-form').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Reject');
  await page.keyboard.press('Enter');
  await reason.fill(REASON);
  await reason.press('Enter');
  await third.waitFor({ state: 'detached' });
  assert.equal(await badge.textContent(), '20');
  const rejected = await quote(ids[2]);
  assert.equal(rejected.rejected_reason, REASON);
  assert.notEqual(rejected.rejected_at, '');
  assert.equal(rejected.is_apply, false);
  rejectedId = ids[2];

  assert.equal(await sidewaysOverflow(page), 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'review');

  // bulk: select all, then approve the 20 left
  const bulk = page.getByRole('button', { name: /^Approve \d+ selected$/ });
  assert.equal(await bulk.isDisabled(), true);
  const selectAll = page.getByLabel('Select all');
  await near.getByRole('checkbox').check();
  assert.equal(await selectAll.evaluate((el) => el.indeterminate), true);
  assert.equal(await bulk.textContent(), 'Approve 1 selected');
  await selectAll.check();
  assert.equal(await bulk.textContent(), 'Approve 20 selected');
  const started = Date.now();
  await bulk.click();
  await page.getByText('Nothing waiting for review.').waitFor({ timeout: 30000 });
  const took = Date.now() - started;
  t.diagnostic(`bulk approval of 20 took ${took} ms`);
  assert.ok(took < 15000, `bulk approval took ${took} ms`);
  assert.equal(await items.count(), 0);
  assert.equal(await badge.isHidden(), true);
  assert.equal(await page.locator('.review-count').isHidden(), true);
  await page.getByRole('status').filter({ hasText: '20 approved.' }).waitFor();
  assert.equal(await pendingLeft(), 0);
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'review-empty');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a superuser signs in at 375 px in Korean and lands on the queue', async () => {
  const extra = ['두 번째 기회는 스스로 만드는 거예요.', '오늘의 패배가 내일의 변명이 되면 안 돼요.', '곧 지워질 제안이에요.'];
  const made = [];
  for (const content of extra) made.push(await create(author.token, QUOTES, { content, speaker: '이세영', user: author.id }));
  const page = await newPage(browser, { width: 375, height: 740, locale: 'ko-KR' });
  await signIn(page, ADMIN, { email: '이메일', password: '비밀번호', submit: '로그인' });
  await page.waitForURL(/#\/review$/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
  await page.getByRole('heading', { level: 1, name: '검토', exact: true }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.review-item').length === 3);
  assert.equal(await page.locator('.review-count').textContent(), '검토를 기다리는 대사 3개');
  assert.deepEqual(await page.locator('.review-item blockquote').allTextContents(), extra);
  const badge = page.locator('.tabbar [data-nav="review"] .nav-count');
  assert.equal(await badge.textContent(), '3');

  // a quote deleted meanwhile leaves the queue when it is acted on
  const deleted = await api(server.base, author.token, 'DELETE', `${QUOTES}/${made[2].id}`);
  assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
  const gone = page.locator(`.review-item[data-id="${made[2].id}"]`);
  await gone.getByRole('button', { name: '승인', exact: true }).click();
  await gone.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: '이미 처리되었거나 삭제된 대사예요: “곧 지워질 제안이에요.”' }).waitFor();
  assert.equal(await badge.textContent(), '2');
  assert.equal(await page.getByRole('button', { name: '선택한 0개 승인' }).isDisabled(), true);
  assert.equal(await sidewaysOverflow(page), 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'review');

  // the reject form and the edit form fit the phone too
  const item = page.locator('.review-item').first();
  await item.getByRole('button', { name: '반려' }).click();
  await item.getByLabel('반려 이유').waitFor();
  assert.equal(await sidewaysOverflow(page), 0);
  await item.getByRole('button', { name: '취소' }).click();
  await item.getByRole('button', { name: '수정' }).click();
  await item.getByLabel('대사', { exact: true }).waitFor();
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'review-edit');
  await item.getByLabel('대사', { exact: true }).press('Escape');

  for (let n = 2; n > 0; n--) {
    await page.locator('.review-item').first().getByRole('button', { name: '승인', exact: true }).click();
    await page.waitForFunction((left) => document.querySelectorAll('.review-item').length === left, n - 1);
  }
  await page.getByText('검토할 대사가 없어요.').waitFor();
  assert.equal(await badge.isHidden(), true);
  assert.equal(await pendingLeft(), 0);
  assert.equal(await sidewaysOverflow(page), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the author sees the rejection and its reason under My requests", async () => {
  assert.ok(rejectedId, 'the first test rejected a quote');
  const page = await newPage(browser, { width: 375, height: 740, locale: 'ko-KR' });
  await signIn(page, author, { email: '이메일', password: '비밀번호', submit: '로그인' });
  await page.waitForURL(/#\/chat$/);
  await page.goto(`${server.base}/#/quotes`);
  await page.getByRole('tab', { name: '내 제안' }).click();
  // the author made 25 suggestions: the rejected one may sit a few pages down
  const mine = page.locator(`[data-id="${rejectedId}"]`);
  const listed = page.getByRole('tabpanel').locator('[data-id]');
  const more = page.getByRole('tabpanel').getByRole('button', { name: '더 보기' });
  await listed.first().waitFor();
  while (!(await mine.isVisible()) && await more.isVisible()) {
    const shown = await listed.count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('[role="tabpanel"]:not([hidden]) [data-id]').length > n, shown);
  }
  await mine.waitFor({ timeout: 10000 });
  assert.equal(await mine.locator('.badge.rejected').count(), 1);
  assert.match(await mine.locator('.reject-reason').textContent(), new RegExp(REASON.replace('.', '\\.')));
  assert.equal(await sidewaysOverflow(page), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
