// Copyable examples of calling /v1 with an API key: curl, the OpenAI Python
// SDK and the OpenAI JS SDK, as tabs, each with its own copy button.

import { t } from '../../i18n.js';
import { h, icon, icons } from '../../dom.js';
import { copyText } from '../../clipboard.js';

/** MODEL names the model in the examples; the server answers with its own. */
const MODEL = 'stovebot';

/** snippets returns the three examples for a key, against this site's /v1. */
export function snippets(key, question = t('keys.example.question')) {
  const base = `${location.origin}/v1`;
  const body = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: question }] });
  const py = (s) => JSON.stringify(s); // a Python string literal for any text
  const js = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return [
    {
      id: 'curl',
      label: 'curl',
      code: [
        `curl ${base}/chat/completions \\`,
        `  -H "Authorization: Bearer ${key}" \\`,
        '  -H "Content-Type: application/json" \\',
        `  -d '${body.replace(/'/g, "'\\''")}'`,
      ].join('\n'),
    },
    {
      id: 'python',
      label: 'Python',
      code: [
        'from openai import OpenAI',
        '',
        'client = OpenAI(',
        `    base_url=${py(base)},`,
        `    api_key=${py(key)},`,
        ')',
        'reply = client.chat.completions.create(',
        `    model=${py(MODEL)},`,
        `    messages=[{"role": "user", "content": ${py(question)}}],`,
        ')',
        'print(reply.choices[0].message.content)',
      ].join('\n'),
    },
    {
      id: 'js',
      label: 'JavaScript',
      code: [
        "import OpenAI from 'openai';",
        '',
        'const client = new OpenAI({',
        `  baseURL: ${js(base)},`,
        `  apiKey: ${js(key)},`,
        '});',
        'const reply = await client.chat.completions.create({',
        `  model: ${js(MODEL)},`,
        `  messages: [{ role: 'user', content: ${js(question)} }],`,
        '});',
        'console.log(reply.choices[0].message.content);',
      ].join('\n'),
    },
  ];
}

let seq = 0;

/** examples builds the tabs (arrow keys move between them) with a copy button. */
export function examples(key) {
  const n = ++seq;
  const items = snippets(key);
  const said = h('span', { class: 'copied', role: 'status' });
  const code = h('code', {});
  const pre = h('pre', { class: 'example-code', tabindex: '0', role: 'tabpanel', id: `ex-${n}-panel` }, code);
  let shown = items[0];
  const tabs = items.map((it, i) => h('button', {
    type: 'button', role: 'tab', id: `ex-${n}-${it.id}`, 'aria-controls': pre.id, class: 'example-tab',
    onclick: () => select(i),
  }, it.label));
  const select = (i, focus = false) => {
    shown = items[i];
    tabs.forEach((tab, j) => {
      tab.setAttribute('aria-selected', String(i === j));
      tab.tabIndex = i === j ? 0 : -1;
    });
    pre.setAttribute('aria-labelledby', tabs[i].id);
    pre.dataset.example = shown.id;
    code.textContent = shown.code;
    said.textContent = '';
    if (focus) tabs[i].focus();
  };
  const list = h('div', { class: 'example-tabs', role: 'tablist', 'aria-label': t('keys.examples') }, tabs);
  list.addEventListener('keydown', (e) => {
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    select((to + tabs.length) % tabs.length, true);
  });
  const copy = h('button', {
    type: 'button', class: 'btn small example-copy',
    onclick: async () => {
      const ok = await copyText(shown.code);
      said.textContent = t(ok ? 'keys.copied' : 'keys.copyFailed');
    },
  }, icon(icons.copy, { size: 16 }), t('keys.copyExample'));
  select(0);
  return h('div', { class: 'examples' },
    h('div', { class: 'example-head' }, list, copy),
    pre, said);
}
