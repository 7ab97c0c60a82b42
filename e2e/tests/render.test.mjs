// The renderer of model text, run in the browser on the page it serves:
// what becomes an element, and what must stay text.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { build, startStovebot, launchBrowser, newPage } from '../harness.mjs';

let server, browser, page;

before(async () => {
  server = await startStovebot(build());
  browser = await launchBrowser();
  page = await newPage(browser);
  await page.goto(`${server.base}/#/signin`);
  await page.getByRole('heading', { level: 1 }).waitFor();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** html renders text with the app's own module and returns the markup. */
function html(text) {
  return page.evaluate(async (t) => {
    const { render } = await import('/js/markdown.js');
    const div = document.createElement('div');
    div.append(render(t));
    return div.innerHTML;
  }, text);
}

const scenarios = [
  ['a paragraph', 'one line', '<p>one line</p>'],
  ['paragraphs and line breaks', 'a\nb\n\nc', '<p>a<br>b</p><p>c</p>'],
  ['bold with italics inside', '**굵게 *기울임* 끝**', '<p><strong>굵게 <em>기울임</em> 끝</strong></p>'],
  ['italics with underscores', 'an _italic_ word', '<p>an <em>italic</em> word</p>'],
  ['snake_case stays text', 'call snake_case_name now', '<p>call snake_case_name now</p>'],
  ['a lone star stays text', '5 * 3 = 15', '<p>5 * 3 = 15</p>'],
  ['inline code keeps its stars', 'run `a *b* c`', '<p>run <code>a *b* c</code></p>'],
  ['a code block keeps everything', '```\n<b>x</b>\n**y**\n```', '<pre><code>&lt;b&gt;x&lt;/b&gt;\n**y**</code></pre>'],
  ['a bullet list', '- a\n* b', '<ul><li>a</li><li>b</li></ul>'],
  ['an ordered list keeps its start', '3. c\n4. d', '<ol start="3"><li>c</li><li>d</li></ol>'],
  ['a bare link without the trailing period', 'see https://example.com/a.',
    '<p>see <a href="https://example.com/a" target="_blank" rel="noopener noreferrer">https://example.com/a</a>.</p>'],
  ['a named link', '[PB](http://pocketbase.io)',
    '<p><a href="http://pocketbase.io/" target="_blank" rel="noopener noreferrer">PB</a></p>'],
  ['a javascript: link stays text', '[x](javascript:alert(1))', '<p>[x](javascript:alert(1))</p>'],
  ['a data: link stays text', '[x](data:text/html,hi)', '<p>[x](data:text/html,hi)</p>'],
  ['HTML is text', '<img src=x onerror=alert(1)><script>1</script>',
    '<p>&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;1&lt;/script&gt;</p>'],
  ['a heading becomes a bold line', '## 제목', '<p class="md-heading"><strong>제목</strong></p>'],
  ['a quote line becomes a card', '1. “다행이라고 생각합니다.” — 백승수 (3화)',
    '<figure class="quote-card"><blockquote><p>다행이라고 생각합니다.</p></blockquote><figcaption>백승수 · 3화</figcaption></figure>'],
  ['a quote without an episode', '"Excuses are for losers" - Baek',
    '<figure class="quote-card"><blockquote><p>Excuses are for losers</p></blockquote><figcaption>Baek</figcaption></figure>'],
];

for (const [name, input, want] of scenarios) {
  test(name, async () => {
    assert.equal(await html(input), want);
  });
}

test('no script ran', async () => {
  assert.deepEqual(page.errors, []);
});
