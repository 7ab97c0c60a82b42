// Conversations in the web app: a question continues the conversation on
// screen, so the upstream sees its earlier messages and nothing else; "new
// conversation" starts an empty one; a reload opens the most recently
// active one.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  build, startStovebot, startFakeOpenAI, launchBrowser, newPage, shot, sidewaysOverflow, OPENAI_KEY,
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
  assert.equal(await page.locator('.chat-title').textContent(), 'New conversation');

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
