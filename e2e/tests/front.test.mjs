// The quotes as the front of the product, for a guest who has never heard
// of stovebot: the front page (what it is, the line of the day, search,
// speakers, sign-up), the public board's search as people type Korean
// (초성, parts of words) with filters kept in a shareable address, and the
// questions the chat suggests, made from the approved quotes. At 375 and
// 1280 px, in Korean and English.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  build, startStovebot, launchBrowser, newPage, shot, api, superuserToken, sidewaysOverflow,
} from '../harness.mjs';

let server, browser;

const OPINION = '여론이 안 좋아도 해야 할 일은 해야 합니다.';
const LINES = [
  { content: OPINION, speaker: '백승수', episode: 1 },
  { content: '우리는 핑계를 대지 않습니다. 결과로 말하겠습니다.', speaker: '백승수', episode: 2 },
  { content: '다행이라고 생각해요, 아직 시즌이 남았으니까.', speaker: '이세영', episode: 3 },
  { content: '아무것도 책임지지 않는 사람이 제일 무섭습니다.', speaker: '권경민', episode: 5 },
  { content: 'Winning is a habit, and so is losing.', speaker: '이세영', episode: 7 },
];

before(async () => {
  server = await startStovebot(build()); // offline: answers come from the quotes
  browser = await launchBrowser();
  const su = await superuserToken(server.base);
  for (const line of LINES) {
    const r = await api(server.base, su, 'POST', '/api/collections/quotes/records', { ...line, is_apply: true });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  // a pending line is nobody's business but its author's
  const pending = await api(server.base, su, 'POST', '/api/collections/quotes/records',
    { content: '아직 검토 중인 여론 대사', speaker: '백승수', is_apply: false });
  assert.equal(pending.status, 200, JSON.stringify(pending.body));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const cardTexts = (page) => page.locator('#panel-approved .quote-item blockquote').allTextContents();

// newUser signs a user up through the API and returns the credentials.
async function newUser(name) {
  const email = `${name}-${Date.now()}@dreams.kr`;
  const password = `${name}-password-1`;
  const made = await api(server.base, null, 'POST', '/api/collections/users/records', { email, password, passwordConfirm: password });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  return { email, password };
}

// signIn fills the sign-in card that page shows, in its language.
async function signIn(page, { email, password }, lang = 'en') {
  await page.getByLabel(lang === 'ko' ? '이메일' : 'Email').fill(email);
  await page.getByLabel(lang === 'ko' ? '비밀번호' : 'Password', { exact: true }).fill(password);
  await page.locator('form').getByRole('button', { name: lang === 'ko' ? '로그인' : 'Sign in' }).click();
}

test('a guest at 1280 px understands the first screen: what it is, the line of the day, search, sign-up', async () => {
  const page = await newPage(browser, { width: 1280, locale: 'en-US' });
  await page.goto(`${server.base}/`);
  await page.waitForURL(/#\/home$/);
  assert.equal(await page.locator('h1').textContent(), 'stovebot finds the famous lines of the Korean drama Stove League.');
  // the line of the day is the one the API picks for everybody today
  const today = await api(server.base, null, 'GET', '/api/quotes/today');
  assert.equal(today.status, 200);
  const card = page.locator('.today .quote-card');
  await card.waitFor();
  assert.equal(await card.locator('blockquote').textContent(), today.body.content);
  assert.equal(await card.locator('a.quote-link').getAttribute('href'), `#/quotes/${today.body.id}`);
  // speakers to browse, with their counts of approved lines
  const chips = page.locator('.home-speakers .chip');
  await chips.first().waitFor();
  assert.deepEqual(await chips.allTextContents(), ['백승수2', '이세영2', '권경민1']);
  // the ways in
  assert.equal(await page.locator('.join').getByRole('link', { name: 'Sign up to ask' }).getAttribute('href'), '#/signup');
  assert.equal(await page.locator('.visitor-bar').getByRole('link', { name: 'Sign in' }).getAttribute('href'), '#/signin');
  assert.equal(await page.getByText('Welcome back').count(), 0);
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'front');

  // a search from the front page opens the board with the query in the address
  await page.getByRole('searchbox', { name: 'Search the lines' }).fill('ㅇㄹ');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL((u) => decodeURIComponent(u.hash) === '#/quotes?q=ㅇㄹ');
  await page.locator('#panel-approved .quote-item', { hasText: OPINION }).waitFor();
  assert.equal(await page.getByRole('searchbox', { name: 'Search the lines' }).inputValue(), 'ㅇㄹ');
  assert.ok(!(await cardTexts(page)).some((t) => t.includes('검토 중')), 'a pending line is not public');
  assert.equal(await page.locator('#panel-approved .result-count').textContent(), `${(await cardTexts(page)).length} lines`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the board finds a line by 초성, by part of a word, ignoring spaces, and by English words', async () => {
  const page = await newPage(browser, { width: 1280, locale: 'en-US' });
  const search = async (q) => {
    await page.goto(`${server.base}/#/quotes?q=${encodeURIComponent(q)}`);
    await page.locator('#panel-approved .result-count:not(:empty)').waitFor();
    await page.waitForFunction(() => !/Loading/.test(document.querySelector('#panel-approved .result-count').textContent));
    return cardTexts(page);
  };
  assert.ok((await search('ㅇㄹ')).includes(OPINION));
  assert.deepEqual(await search('여론'), [OPINION]);
  assert.deepEqual(await search('아무것도책임'), ['아무것도 책임지지 않는 사람이 제일 무섭습니다.']);
  assert.deepEqual(await search('habit'), ['Winning is a habit, and so is losing.']);
  assert.deepEqual(await search('없는말'), []);
  assert.equal(await page.locator('#panel-approved .result-count').textContent(), 'Nothing matches “없는말”. Try initial consonants or part of a word.');

  // typing searches as the reader types, and keeps the address in step
  await page.goto(`${server.base}/#/quotes`);
  await page.locator('#panel-approved .quote-item').first().waitFor();
  assert.equal((await cardTexts(page)).length, LINES.length);
  await page.getByRole('searchbox', { name: 'Search the lines' }).pressSequentially('핑계');
  await page.waitForFunction(() => document.querySelectorAll('#panel-approved .quote-item').length === 1);
  assert.equal(decodeURIComponent(new URL(page.url()).hash), '#/quotes?q=핑계');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a guest at 375 px in Korean picks 백승수 from the speakers, shares the search, and opens his line', async () => {
  const page = await newPage(browser, { width: 375, height: 740, locale: 'ko-KR' });
  await page.goto(`${server.base}/`);
  assert.equal(await page.locator('h1').textContent(), 'stovebot은 드라마 〈스토브리그〉의 명대사를 찾아 주는 챗봇이에요.');
  await page.locator('.today .quote-card').waitFor();
  assert.equal(await sidewaysOverflow(page), 0);
  await shot(page, 'front');

  // the board's speaker list, with counts
  await page.locator('.visitor-bar').getByRole('link', { name: '명대사' }).click();
  await page.waitForURL(/#\/quotes$/);
  await page.locator('#panel-approved .quote-item').first().waitFor();
  const speaker = page.getByLabel('말한 사람');
  assert.deepEqual(await speaker.locator('option').allTextContents(), ['모든 인물', '백승수 (2)', '이세영 (2)', '권경민 (1)']);
  await speaker.selectOption('백승수');
  await page.waitForFunction(() => document.querySelectorAll('#panel-approved .quote-item').length === 2);
  const shared = page.url();
  assert.equal(decodeURIComponent(new URL(shared).hash), '#/quotes?speaker=백승수');
  // narrowing by a word keeps the speaker; the episode filter narrows further
  await page.getByRole('searchbox', { name: '명대사 검색' }).fill('여론');
  await page.waitForFunction(() => document.querySelectorAll('#panel-approved .quote-item').length === 1);
  await page.getByLabel('회차').fill('2');
  await page.locator('#panel-approved .result-count', { hasText: '‘여론’에 맞는 대사가 없어요' }).waitFor();
  assert.match(decodeURIComponent(new URL(page.url()).hash), /^#\/quotes\?q=여론&speaker=백승수&episode=2$/);
  assert.equal(await sidewaysOverflow(page), 0);

  // the shared address opens the same search in a new browser
  const other = await newPage(browser, { width: 375, height: 740, locale: 'ko-KR' });
  await other.goto(shared);
  await other.locator('#panel-approved .quote-item').first().waitFor();
  assert.equal(await other.getByLabel('말한 사람').inputValue(), '백승수');
  assert.deepEqual((await cardTexts(other)).sort(), [LINES[0].content, LINES[1].content].sort());
  await shot(other, 'board-speaker');
  // opening the line leads to its page
  await other.locator('#panel-approved .quote-item', { hasText: OPINION }).locator('a.quote-link').click();
  await other.waitForURL(/#\/quotes\/[a-z0-9]{15}$/);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(other.errors, []);
  await page.context().close();
  await other.context().close();
});

test('a bad episode is refused in place, and the list does not change', async () => {
  const page = await newPage(browser, { width: 1280, locale: 'en-US' });
  await page.goto(`${server.base}/#/quotes?episode=0`);
  await page.locator('#panel-approved .result-count', { hasText: 'Enter a number of 1 or more.' }).waitFor();
  assert.equal(await page.locator('#panel-approved .quote-item').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

for (const [locale, width, lang] of [['ko-KR', 375, 'ko'], ['en-US', 1280, 'en']]) {
  test(`signed in (${lang}, ${width} px), the chat suggests questions from approved quotes, and each finds one`, async () => {
    const user = await newUser(`front-${lang}`);
    const page = await newPage(browser, { width, height: width < 600 ? 740 : 860, locale });
    await page.goto(`${server.base}/#/signin`);
    await signIn(page, user, lang);
    await page.waitForURL(/#\/chat$/);
    const suggestions = page.locator('.suggestion');
    await suggestions.nth(2).waitFor();
    const questions = await suggestions.allTextContents();
    assert.equal(questions.length, 3);
    const speakers = LINES.map((l) => l.speaker);
    const mentions = (q) => LINES.some((l) => q.includes(l.speaker)) || LINES.some((l) => q.split(/[“”]/)[1] && l.content.includes(q.split(/[“”]/)[1]));
    for (const q of questions) assert.ok(mentions(q), `"${q}" names no approved speaker or word`);
    assert.ok(questions.some((q) => speakers.some((s) => q.includes(s))), 'a question about a speaker');
    await shot(page, 'chat-suggestions');
    // each suggestion is asked as is, and the offline answer quotes a line
    for (const [i, question] of questions.entries()) {
      if (i > 0) {
        // a new question goes to the end; the suggestions live in the empty chat only,
        // so the rest are typed as they were offered
        const box = page.getByRole('textbox', { name: lang === 'ko' ? '질문' : 'Your question' });
        await box.fill(question);
        await box.press('Enter');
      } else {
        await suggestions.first().click();
      }
      const turn = page.locator('.turns .turn').nth(i);
      const bubble = turn.locator('.a-bubble[data-state="done"]');
      await bubble.waitFor({ timeout: 20000 });
      assert.equal(await turn.locator('.q-bubble').textContent(), question);
      const answer = await bubble.textContent();
      assert.ok(LINES.some((l) => answer.includes(l.content)), `no approved line in the answer to "${question}": ${answer}`);
    }
    assert.equal(await sidewaysOverflow(page), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('suggesting a line: the form opens from a button, errors stay in their field, a duplicate links to the line', async () => {
  const user = await newUser('suggest');
  const page = await newPage(browser, { width: 1280, locale: 'en-US' });
  await page.goto(`${server.base}/#/signin`);
  await signIn(page, user);
  await page.waitForURL(/#\/chat$/);
  await page.goto(`${server.base}/#/quotes`);
  await page.locator('#panel-approved .quote-item').first().waitFor();
  const panel = page.locator('#suggest-panel');
  assert.equal(await panel.isVisible(), false);
  const open = page.getByRole('button', { name: 'Suggest a line' });
  await open.click();
  assert.equal(await open.getAttribute('aria-expanded'), 'true');
  // the counter sits right under its text box
  const box = await panel.getByLabel('Line', { exact: true }).boundingBox();
  const counter = await panel.locator('.counter').boundingBox();
  assert.ok(counter.y >= box.y + box.height && counter.y - (box.y + box.height) < 16, `counter ${JSON.stringify(counter)} vs box ${JSON.stringify(box)}`);
  // an error under the episode does not stretch the speaker field
  const speakerBefore = await panel.getByLabel('Speaker').boundingBox();
  await panel.getByLabel('Line', { exact: true }).fill('새로운 대사');
  await panel.getByLabel('Episode').fill('0');
  await panel.getByRole('button', { name: 'Suggest', exact: true }).click();
  await panel.locator('[data-error-for="episode"]:not([hidden])').waitFor();
  const speakerAfter = await panel.getByLabel('Speaker').boundingBox();
  assert.equal(speakerAfter.height, speakerBefore.height);
  await shot(page, 'suggest-error');
  // a line already on the board, spaced and punctuated differently, is refused with a link to it
  await panel.getByLabel('Episode').fill('');
  await panel.getByLabel('Line', { exact: true }).fill('여론이 안 좋아도, 해야 할 일은 해야합니다');
  await panel.getByRole('button', { name: 'Suggest', exact: true }).click();
  const alert = panel.locator('.form-alert.error');
  await alert.waitFor();
  assert.match(await alert.textContent(), /already on the board/);
  const approved = await api(server.base, null, 'GET', `/api/quotes/search?q=${encodeURIComponent('여론이 안 좋아도')}`);
  assert.equal(await alert.getByRole('link', { name: 'Open it' }).getAttribute('href'), `#/quotes/${approved.body.items[0].id}`);
  // Escape closes the form and gives the focus back to its button
  await panel.getByLabel('Line', { exact: true }).press('Escape');
  assert.equal(await panel.isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-controls')), 'suggest-panel');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a guest who opens a page that needs an account signs in and is taken there', async () => {
  const user = await newUser('wanted');
  const page = await newPage(browser, { width: 1280, locale: 'en-US' });
  await page.goto(`${server.base}/#/profile`);
  await page.waitForURL(/#\/signin$/);
  await signIn(page, user);
  await page.waitForURL(/#\/profile$/);
  await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
  // a page only moderators may open leads a user to the chat instead
  await page.goto(`${server.base}/#/review`);
  await page.waitForURL(/#\/chat$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
