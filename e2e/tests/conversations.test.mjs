// Conversations in the web app: a question continues the conversation on
// screen, so the upstream sees its earlier messages and nothing else; "new
// conversation" starts an empty one; a reload opens the most recently
// active one; the list (a drawer on a phone, the rail on a desktop)
// switches, searches, renames, exports and deletes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  build, startStovebot, startFakeOpenAI, launchBrowser, newPage, shot, sidewaysOverflow, OPENAI_KEY, ANSWER_PIECES,
} from '../harness.mjs';

let server, upstream, browser, page;

before(async () => {
  upstream = await startFakeOpenAI({ pieceDelay: 20 });
  server = await startStovebot(build(), { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: upstream.url, STOVEBOT_DAILY_LIMIT: '20' });
  browser = await launchBrowser();
  page = await newPage(browser, { width: 375, height: 740, locale: 'en-US' });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (upstream) await upstream.close();
});

async function ask(text) {
  const box = page.getByRole('textbox', { name: 'Your question' });
  await box.fill(text);
  await box.press('Enter');
  await page.locator('.turn', { hasText: text }).locator('.a-bubble[data-state="done"]').waitFor({ timeout: 20000 });
}

// sent is what the upstream received as the conversation for a question.
function sent(question) {
  const call = upstream.calls.find((c) => c.body.messages && c.body.messages.at(-1).content === question);
  assert.ok(call, `the upstream never saw "${question}"`);
  return call.body.messages.slice(1).map((m) => m.content); // after the system prompt
}

test('questions continue the conversation on screen; a new conversation starts empty', async () => {
  const email = `conv${Date.now()}@dreams.kr`;
  await page.goto(`${server.base}/#/signup`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('conversations-1');
  await page.getByLabel('Confirm password').fill('conversations-1');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(/#\/chat$/);
  await page.locator('.chat-title', { hasText: 'New conversation' }).waitFor();

  await ask('백승수 단장의 첫 번째 질문');
  // the conversation is titled from its first question
  assert.equal(await page.locator('.chat-title').textContent(), '백승수 단장의 첫 번째 질문');
  await ask('두 번째 질문이에요');
  assert.deepEqual(sent('두 번째 질문이에요').filter((m) => m.includes('질문')), ['백승수 단장의 첫 번째 질문', '두 번째 질문이에요']);

  await page.getByRole('button', { name: 'New conversation' }).click();
  assert.equal(await page.locator('.turns .turn').count(), 0);
  await page.locator('.empty-chat').waitFor();
  assert.equal(await page.locator('.chat-title').textContent(), 'New conversation');
  await ask('다른 대화의 질문');
  // nothing of the first conversation goes upstream with the new one's question
  assert.deepEqual(sent('다른 대화의 질문'), ['다른 대화의 질문']);
  assert.equal(await page.locator('.turns .turn').count(), 1);
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'conversation-new');

  // a reload opens the most recently active conversation
  await page.reload();
  await page.locator('.turns .a-bubble[data-state="done"]').first().waitFor();
  assert.deepEqual(await page.locator('.q-bubble').allTextContents(), ['다른 대화의 질문']);
  assert.equal(await page.locator('.chat-title').textContent(), '다른 대화의 질문');
  assert.deepEqual(page.errors, []);
});

test('on a phone the list is a drawer: it opens, lists both, and switches', async () => {
  await page.getByRole('button', { name: 'Conversations' }).click();
  const drawer = page.locator('dialog.drawer');
  await drawer.locator('.conv-item').nth(1).waitFor();
  assert.deepEqual(await drawer.locator('.conv-title').allTextContents(), ['다른 대화의 질문', '백승수 단장의 첫 번째 질문']);
  assert.equal(await drawer.locator('.conv-open[aria-current="true"] .conv-title').textContent(), '다른 대화의 질문');
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'conversation-drawer');
  await drawer.getByRole('button', { name: /백승수 단장의 첫 번째 질문/ }).click();
  await drawer.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelectorAll('.turns .turn').length === 2);
  assert.equal(await page.locator('.chat-title').textContent(), '백승수 단장의 첫 번째 질문');
  assert.match(new URL(page.url()).hash, /^#\/chat\/[a-z0-9]{15}$/);
  // Escape closes the drawer
  await page.getByRole('button', { name: 'Conversations' }).click();
  await drawer.waitFor();
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });
  assert.deepEqual(page.errors, []);
});

test('at 1280 px the list is in the rail: reload keeps the conversation, rename, search, export, delete', async () => {
  const token = await page.evaluate(() => localStorage.getItem('stovebot.auth'));
  const desk = await newPage(browser, { width: 1280, locale: 'en-US' });
  await desk.addInitScript((t) => localStorage.setItem('stovebot.auth', t), token);
  // the address names the conversation, so a reload or a shared tab opens it
  await desk.goto(page.url());
  await desk.waitForFunction(() => document.querySelectorAll('.turns .turn').length === 2);
  const rail = desk.locator('.rail .conversations');
  await rail.locator('.conv-item').nth(1).waitFor();
  assert.equal(await rail.locator('.conv-open[aria-current="true"] .conv-title').textContent(), '백승수 단장의 첫 번째 질문');

  // rename
  const first = rail.locator('.conv-item', { hasText: '백승수 단장의 첫 번째 질문' });
  await first.getByLabel('Menu of “백승수 단장의 첫 번째 질문”').click();
  await first.getByRole('button', { name: 'Rename' }).click();
  // the item becomes the form (its title now in a text box)
  await rail.getByRole('textbox', { name: 'Rename' }).fill('첫 번째 대화');
  await rail.locator('.conv-rename').getByRole('button', { name: 'Save' }).click();
  await rail.locator('.conv-title', { hasText: '첫 번째 대화' }).waitFor();
  assert.equal(await desk.locator('.chat-title').textContent(), '첫 번째 대화');

  // search by title
  await rail.getByRole('searchbox', { name: 'Search titles' }).fill('첫 번째');
  await desk.waitForFunction(() => document.querySelectorAll('.rail .conv-item').length === 1);
  await rail.getByRole('searchbox', { name: 'Search titles' }).fill('없는 제목');
  await rail.getByText('No conversation matches.').waitFor();
  await rail.getByRole('searchbox', { name: 'Search titles' }).fill('');
  await desk.waitForFunction(() => document.querySelectorAll('.rail .conv-item').length === 2);
  await shot(desk, 'conversations');

  // export as Markdown
  const renamed = rail.locator('.conv-item', { hasText: '첫 번째 대화' });
  await renamed.getByLabel('Menu of “첫 번째 대화”').click();
  const [download] = await Promise.all([desk.waitForEvent('download'), renamed.getByRole('button', { name: 'Export as Markdown' }).click()]);
  assert.equal(download.suggestedFilename(), '첫-번째-대화.md');
  const md = readFileSync(await download.path(), 'utf8');
  assert.ok(md.startsWith('# 첫 번째 대화\n'), md.slice(0, 80));
  for (const part of ['백승수 단장의 첫 번째 질문', '두 번째 질문이에요', ANSWER_PIECES[0]]) assert.ok(md.includes(part), `export lacks ${part}`);
  assert.ok(!md.includes('다른 대화의 질문'), 'another conversation in the export');

  // delete another conversation: the one shown stays
  const other = rail.locator('.conv-item', { hasText: '다른 대화의 질문' });
  await other.getByLabel('Menu of “다른 대화의 질문”').click();
  await other.getByRole('button', { name: 'Delete' }).click();
  await other.getByRole('group').getByRole('button', { name: 'Delete' }).click();
  await other.waitFor({ state: 'detached' });
  assert.equal(await desk.locator('.turns .turn').count(), 2);
  // delete the one shown: the chat starts a new one
  await renamed.getByLabel('Menu of “첫 번째 대화”').click();
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await renamed.getByRole('group').getByRole('button', { name: 'Delete' }).click();
  await rail.getByText('No conversations yet.').waitFor();
  await desk.locator('.empty-chat').waitFor();
  assert.equal(await desk.locator('.chat-title').textContent(), 'New conversation');
  assert.equal(new URL(desk.url()).hash, '#/chat');
  const left = await desk.evaluate(async () => {
    const { token } = JSON.parse(localStorage.getItem('stovebot.auth'));
    const res = await fetch('/api/collections/chats/records', { headers: { Authorization: `Bearer ${token}` } });
    return (await res.json()).totalItems;
  });
  assert.equal(left, 0, 'deleting the conversations deletes their messages');
  assert.deepEqual(desk.errors, []);
  await desk.context().close();
});
