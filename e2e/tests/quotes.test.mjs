// The quote board on a 375 px phone in Korean: submit, pending, edit and
// delete while pending, approval by a superuser through the API, shown as
// approved; no sideways scrolling on any view.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  build, startStovebot, launchBrowser, newPage, shot, api, superuserToken, sidewaysOverflow,
} from '../harness.mjs';

let server, browser, page;
const email = `quotes${Date.now()}@dreams.kr`;
const password = 'quote-lover-1';
const LINE = '우리는 핑계를 대지 않습니다. 결과로 말하겠습니다.';

before(async () => {
  server = await startStovebot(build()); // offline: no upstream configured
  browser = await launchBrowser();
  page = await newPage(browser, { width: 375, height: 740, locale: 'ko-KR' });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const myTab = () => page.getByRole('tab', { name: '내 제안' });
const suggest = () => page.locator('#suggest-panel');
const openForm = () => page.getByRole('button', { name: '명대사 제안하기' }).click();
const approvedTab = () => page.getByRole('tab', { name: '승인된 명대사' });

test('a Korean browser gets the Korean app; sign-up works at 375 px', async () => {
  await page.goto(`${server.base}/#/signup`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '회원가입');
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'signup');
  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호', { exact: true }).fill(password);
  await page.getByLabel('비밀번호 확인').fill(password);
  await page.getByRole('button', { name: '가입하기' }).click();
  await page.waitForURL(/#\/chat$/);
  await page.locator('.empty-chat').waitFor();
  // the pill says "checking" until the quota has loaded
  await page.waitForFunction(() => !/확인 중/.test(document.querySelector('.topbar .quota-pill').textContent));
  assert.match(await page.locator('.topbar .quota-pill').textContent(), /오늘 5\/5 남음 · 자정 초기화/);
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'chat-empty');
});

test('a submitted quote is listed as pending, and can be edited while pending', async () => {
  await page.locator('.tabbar').getByRole('link', { name: '명대사' }).click();
  await page.waitForURL(/#\/quotes$/);
  await page.getByText('아직 승인된 명대사가 없어요').waitFor();
  // the list comes first; the form opens from a button
  assert.equal(await suggest().isVisible(), false);
  await openForm();
  await suggest().getByLabel('대사', { exact: true }).fill(LINE);
  assert.equal(await page.locator('.quote-form .counter').first().textContent(), `${[...LINE].length}/500`);
  await suggest().getByLabel('말한 사람').fill('백승수');
  await suggest().getByLabel('회차').fill('3');
  await suggest().getByRole('button', { name: '제안하기' }).click();
  await page.getByText('제안했어요').waitFor();
  assert.equal(await myTab().getAttribute('aria-selected'), 'true');
  await page.locator('#panel-mine .quote-item', { hasText: LINE }).waitFor();
  const id = await page.locator('#panel-mine .quote-item', { hasText: LINE }).getAttribute('data-id');
  const item = page.locator(`#panel-mine .quote-item[data-id="${id}"]`);
  assert.equal(await item.locator('.badge').textContent(), '검토 중');
  assert.match(await item.locator('figcaption').textContent(), /백승수 · 3화/);
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'quotes-pending');

  await item.getByRole('button', { name: '수정' }).click();
  await item.getByLabel('말한 사람').fill('백승수 단장');
  await item.getByRole('button', { name: '저장' }).click();
  await item.locator('figcaption', { hasText: '백승수 단장 · 3화' }).waitFor();
  // the pending quote is not on the public list
  await approvedTab().click();
  assert.equal(await page.locator('#panel-approved .quote-item').count(), 0);
});

test('a pending quote can be deleted, after an inline confirmation', async () => {
  // after a submission the form closes to show the list
  assert.equal(await suggest().isVisible(), false);
  await openForm();
  await suggest().getByLabel('대사', { exact: true }).fill('지워질 대사');
  await suggest().getByRole('button', { name: '제안하기' }).click();
  const item = page.locator('#panel-mine .quote-item', { hasText: '지워질 대사' });
  await item.waitFor();
  await item.getByRole('button', { name: '삭제' }).click();
  await item.getByRole('group', { name: '이 제안을 삭제할까요?' }).waitFor();
  await item.getByRole('group').getByRole('button', { name: '삭제' }).click();
  await item.waitFor({ state: 'detached' });
  const su = await superuserToken(server.base);
  const left = await api(server.base, su, 'GET', `/api/collections/quotes/records?filter=${encodeURIComponent("content='지워질 대사'")}`);
  assert.equal(left.body.totalItems, 0);
});

test('approved by a superuser through the API, the quote shows as approved and read-only', async () => {
  const su = await superuserToken(server.base);
  const found = await api(server.base, su, 'GET', `/api/collections/quotes/records?filter=${encodeURIComponent(`content='${LINE}'`)}`);
  assert.equal(found.body.items.length, 1);
  const approved = await api(server.base, su, 'PATCH', `/api/collections/quotes/records/${found.body.items[0].id}`, { is_apply: true });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));

  await page.reload();
  const card = page.locator('#panel-approved .quote-item', { hasText: LINE });
  await card.waitFor();
  assert.match(await card.locator('figcaption').textContent(), /백승수 단장 · 3화/);
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'quotes-approved');
  // keyboard: arrows move between the tabs
  await approvedTab().focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await myTab().getAttribute('aria-selected'), 'true');
  const mine = page.locator('#panel-mine .quote-item', { hasText: LINE });
  await mine.waitFor();
  assert.equal(await mine.locator('.badge').textContent(), '승인됨');
  assert.equal(await mine.getByRole('button', { name: '수정' }).count(), 0);
  assert.equal(await mine.getByRole('button', { name: '삭제' }).count(), 0);
});

test('approved quotes come in pages, newest first, with a button for more', async () => {
  const su = await superuserToken(server.base);
  for (let i = 1; i <= 20; i++) {
    const r = await api(server.base, su, 'POST', '/api/collections/quotes/records',
      { content: `페이지 대사 ${i}`, speaker: '권경민', episode: i, is_apply: true });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await page.reload();
  await approvedTab().click();
  const cards = page.locator('#panel-approved .quote-item');
  await cards.first().waitFor();
  assert.equal(await cards.count(), 20);
  assert.match(await cards.first().textContent(), /페이지 대사 20/);
  assert.equal(await page.locator('#panel-approved .result-count').textContent(), '명대사 21개');
  await page.locator('#panel-approved').getByRole('button', { name: '더 보기' }).click();
  await page.locator('#panel-approved .quote-item', { hasText: LINE }).waitFor();
  assert.equal(await cards.count(), 21);
  assert.equal(await page.locator('#panel-approved').getByRole('button', { name: '더 보기' }).isVisible(), false);
});

test('the approved quote answers an offline question, rendered as a quote card', async () => {
  await page.locator('.tabbar').getByRole('link', { name: '채팅' }).click();
  const box = page.getByRole('textbox', { name: '질문' });
  await box.fill('핑계');
  await box.press('Enter');
  const bubble = page.locator('.turns .turn').last().locator('.a-bubble[data-state="done"]');
  await bubble.waitFor({ timeout: 15000 });
  assert.match(await bubble.textContent(), /핑계를 대지 않습니다/);
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'chat-offline');
});

test('the profile and the quote board at 1280 px', async () => {
  const token = await page.evaluate(() => localStorage.getItem('stovebot.auth'));
  const desk = await newPage(browser, { width: 1280, locale: 'ko-KR' });
  await desk.addInitScript((t) => localStorage.setItem('stovebot.auth', t), token);
  await desk.goto(`${server.base}/#/quotes`);
  await desk.locator('#panel-approved .quote-item', { hasText: '페이지 대사 20' }).waitFor();
  assert.equal(await desk.locator('.rail').isVisible(), true);
  await shot(desk, 'quotes-approved');
  await desk.goto(`${server.base}/#/profile`);
  await desk.getByRole('heading', { level: 1, name: '프로필' }).waitFor();
  await shot(desk, 'profile');
  await desk.goto(`${server.base}/#/chat`);
  await desk.locator('.turns .a-bubble[data-state="done"]').first().waitFor();
  await shot(desk, 'chat-offline');
  assert.deepEqual(desk.errors, []);
  await desk.context().close();
  // the dark theme follows the system
  const dark = await newPage(browser, { width: 375, height: 740, locale: 'ko-KR', colorScheme: 'dark' });
  await dark.addInitScript((t) => localStorage.setItem('stovebot.auth', t), token);
  await dark.goto(`${server.base}/#/chat`);
  await dark.locator('.turns .a-bubble[data-state="done"]').first().waitFor();
  const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(15, 19, 32)');
  await shot(dark, 'chat-dark');
  await dark.context().close();
  await page.goto(`${server.base}/#/profile`);
  await page.getByRole('heading', { level: 1, name: '프로필' }).waitFor();
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'profile');
  assert.deepEqual(page.errors, []);
});
