// A quote's own page at #/quotes/ID, seen by a guest: the line, speaker and
// episode; copy text and copy link on the clipboard; the 1200×630 card
// downloaded as a PNG; markup in a line shown as text; unknown and pending
// quotes not shown; at 375 px in Korean and 1280 px in English, light and dark.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  build, startStovebot, launchBrowser, newPage, shot, api, superuserToken, sidewaysOverflow, screenshotDir,
} from '../harness.mjs';

let server, browser;
const quotes = {
  main: { content: '우리는 핑계를 대지 않습니다. 결과로 말하겠습니다.', speaker: '백승수', episode: 3 },
  tricky: { content: '"<b>굵게</b>" & <img src=x onerror=alert(1)> <>& 그대로', speaker: '이세영 <i>', episode: 7 },
  long: {
    content: '야구는 결국 사람이 하는 거예요. 우리가 지금 하는 일이 당장은 아무도 알아주지 않더라도, 언젠가 이 팀이 이기는 날이 오면 그게 다 우리가 오늘 버틴 덕분이라는 걸 알게 될 거예요. 그러니까 포기하지 맙시다. 끝까지 해 봅시다. 드림즈는 아직 끝나지 않았어요.',
    speaker: '이세영',
    episode: 16,
  },
};
const ids = {};

before(async () => {
  server = await startStovebot(build()); // offline: no upstream configured
  browser = await launchBrowser();
  const su = await superuserToken(server.base);
  for (const [name, q] of Object.entries(quotes)) {
    const r = await api(server.base, su, 'POST', '/api/collections/quotes/records', { ...q, is_apply: true });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids[name] = r.body.id;
  }
  ids.pending = await pendingQuote();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// pendingQuote signs a user up and suggests a line, which waits for review.
async function pendingQuote() {
  const email = `author${Date.now()}@dreams.kr`;
  const password = 'pending-line-1';
  const user = await api(server.base, null, 'POST', '/api/collections/users/records', { email, password, passwordConfirm: password });
  assert.equal(user.status, 200, JSON.stringify(user.body));
  const auth = await api(server.base, null, 'POST', '/api/collections/users/auth-with-password', { identity: email, password });
  assert.equal(auth.status, 200, JSON.stringify(auth.body));
  const q = await api(server.base, auth.body.token, 'POST', '/api/collections/quotes/records',
    { content: '아직 검토 중인 대사예요.', speaker: '한재희', user: user.body.id });
  assert.equal(q.status, 200, JSON.stringify(q.body));
  return q.body.id;
}

// guestPage opens a page with clipboard access at the server's origin.
async function guestPage(options) {
  const page = await newPage(browser, options);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  return page;
}

async function openQuote(page, id) {
  await page.goto(`${server.base}/#/quotes/${id}`);
  await page.locator('.quote-hero, .quote-missing').first().waitFor({ timeout: 20000 });
}

const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());
const status = (page) => page.locator('.quote-status');

// inkPixels counts the preview's pixels of the given colour in the text box.
function inkPixels(page, [r, g, b]) {
  return page.evaluate(([r, g, b]) => {
    const canvas = document.querySelector('canvas.card-preview');
    if (!canvas) return 0;
    const { data } = canvas.getContext('2d').getImageData(88, 178, 1024, 292);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) < 12 && Math.abs(data[i + 1] - g) < 12 && Math.abs(data[i + 2] - b) < 12) n += 1;
    }
    return n;
  }, [r, g, b]);
}

// downloadCard clicks the button, checks the PNG's signature, size and
// content, and keeps a copy next to the screenshots.
async function downloadCard(page, button, name) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), button.click()]);
  assert.equal(dl.suggestedFilename(), `stovebot-${ids.main}.png`);
  const png = readFileSync(await dl.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  assert.equal(png.readUInt32BE(16), 1200);
  assert.equal(png.readUInt32BE(20), 630);
  // a canvas of one flat colour compresses to a few KB; the text does not
  assert.ok(png.length > 20000, `the card is only ${png.length} bytes`);
  mkdirSync(screenshotDir, { recursive: true });
  copyFileSync(await dl.path(), path.join(screenshotDir, `${name}.png`));
}

async function checkPage(page, { episode, copied, linkCopied, downloaded, board }) {
  await openQuote(page, ids.main);
  assert.equal(await page.locator('.quote-line').textContent(), quotes.main.content);
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
  const speaker = page.locator('.quote-hero figcaption a', { hasText: '백승수' });
  assert.equal(await speaker.getAttribute('href'), `#/quotes?speaker=${encodeURIComponent('백승수')}`);
  const ep = page.locator('.quote-hero figcaption a', { hasText: episode });
  assert.equal(await ep.getAttribute('href'), '#/quotes?episode=3');
  assert.equal(await page.getByRole('link', { name: board }).first().getAttribute('href'), '#/quotes');

  const share = page.locator('.quote-share');
  await share.getByRole('button').nth(0).click();
  await status(page).filter({ hasText: copied }).waitFor();
  assert.equal(await clipboard(page), `“${quotes.main.content}” — 백승수, ${episode}`);

  // the keyboard reaches the actions
  await share.getByRole('button').nth(1).focus();
  await page.keyboard.press('Enter');
  await status(page).filter({ hasText: linkCopied }).waitFor();
  assert.equal(await clipboard(page), `${server.base}/q/${ids.main}`);

  await page.waitForFunction(() => document.querySelector('canvas.card-preview'));
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas.card-preview');
    const px = c.getContext('2d').getImageData(300, 230, 600, 150).data;
    for (let i = 0; i < px.length; i += 4) if (px[i] < 100) return true; // dark ink on paper
    return false;
  }, null, { timeout: 20000 });
  assert.ok(await inkPixels(page, [0x14, 0x21, 0x3d]) > 2000, 'the preview shows the line in ink');
  await downloadCard(page, share.getByRole('button').nth(2), `quote-card-${page.viewportSize().width}`);
  await status(page).filter({ hasText: downloaded }).waitFor();

  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'quote-page');
  await shot(page, 'quote-page-full', { fullPage: true });
  assert.deepEqual(page.errors, []);
}

test('at 375 px in Korean: the line, copy text, copy link, the card', async () => {
  const page = await guestPage({ width: 375, height: 740, locale: 'ko-KR' });
  await checkPage(page, { episode: '3화', copied: '복사했어요', linkCopied: '링크를 복사했어요', downloaded: '저장했어요', board: '명대사 게시판' });
  // the buttons wrap inside the column
  const boxes = await page.locator('.quote-share .btn').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  for (const right of boxes) assert.ok(right <= 375, `a button ends at ${right}`);
  await page.context().close();
});

test('at 1280 px in English: the same, in English', async () => {
  const page = await guestPage({ width: 1280, locale: 'en-US' });
  await checkPage(page, { episode: 'Ep. 3', copied: 'Copied', linkCopied: 'Link copied', downloaded: 'Card downloaded', board: 'Quote board' });
  await page.context().close();
});

test('a line with markup characters is shown as text', async () => {
  const page = await guestPage({ width: 375, height: 740, locale: 'ko-KR' });
  page.on('dialog', (d) => { page.errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  await openQuote(page, ids.tricky);
  const line = page.locator('.quote-line');
  assert.equal(await line.textContent(), quotes.tricky.content);
  assert.equal(await line.locator('*').count(), 0);
  assert.equal(await page.locator('.quote-hero img, .quote-hero b, .quote-hero i').count(), 0);
  assert.equal(await page.locator('.quote-speaker').textContent(), quotes.tricky.speaker);
  await page.locator('.quote-share').getByRole('button').first().click();
  await status(page).filter({ hasText: '복사했어요' }).waitFor();
  assert.equal(await clipboard(page), `“${quotes.tricky.content}” — ${quotes.tricky.speaker}, 7화`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an unknown id and a pending quote are not on the board for a guest', async () => {
  const page = await guestPage({ width: 375, height: 740, locale: 'ko-KR' });
  for (const id of ['nosuchquote0001', ids.pending]) {
    await openQuote(page, id);
    await page.getByRole('heading', { name: '이 대사는 게시판에 없어요' }).waitFor();
    assert.equal(await page.locator('.quote-missing a').getAttribute('href'), '#/quotes');
    assert.equal(await page.locator('.quote-hero').count(), 0);
    assert.equal(await page.getByText('아직 검토 중인 대사예요').count(), 0);
  }
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'quote-missing');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('in the dark scheme the page and the card are dark; a long line still fits', async () => {
  const page = await guestPage({ width: 375, height: 740, locale: 'ko-KR', colorScheme: 'dark' });
  await openQuote(page, ids.long);
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas.card-preview');
    if (!c) return false;
    const px = c.getContext('2d').getImageData(300, 230, 600, 150).data;
    for (let i = 0; i < px.length; i += 4) if (px[i] > 200) return true; // light text on near-black
    return false;
  }, null, { timeout: 20000 });
  const corner = await page.evaluate(() => [...document.querySelector('canvas.card-preview').getContext('2d').getImageData(600, 20, 1, 1).data]);
  assert.deepEqual(corner, [0x0f, 0x13, 0x20, 255]);
  assert.ok(await inkPixels(page, [0xe8, 0xeb, 0xf2]) > 2000, 'the preview shows the line in light text');
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'quote-page-dark', { fullPage: true });
  const card = await page.locator('canvas.card-preview').evaluate((c) => c.toDataURL('image/png'));
  writeFileSync(path.join(screenshotDir, 'quote-card-dark.png'), Buffer.from(card.split(',')[1], 'base64'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
