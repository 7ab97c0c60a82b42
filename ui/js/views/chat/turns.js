// A turn of the chat: the question, its answer (typing, streaming, done or
// failed) with its time and copy buttons once done, the note under a failed
// answer, and inline delete; and the window's scrolling that follows the
// newest turn.

import { request, ApiError } from '../../api.js';
import { t, formatDateTime } from '../../i18n.js';
import { h, replace, icon, icons } from '../../dom.js';
import { render } from '../../markdown.js';
import { copyText } from '../../clipboard.js';

/**
 * makeTurn builds a question with an empty answer. After its deletion,
 * removed() is called, then focus() unless it was already gone.
 */
export function makeTurn(question, when, { removed, focus }) {
  const turn = h('li', { class: 'turn' });
  const del = h('button', {
    type: 'button', class: 'icon-btn del', 'aria-label': t('common.delete'), title: t('common.delete'),
    onclick: () => askDelete(turn, { removed, focus }),
  }, icon(icons.trash, { size: 16 }));
  turn.append(
    h('div', { class: 'q' },
      h('div', { class: 'bubble q-bubble' }, question),
      h('div', { class: 'meta q-meta' },
        h('time', { datetime: when.toISOString() }, formatDateTime(when)),
        del)),
    h('div', { class: 'a' },
      h('div', { class: 'bubble a-bubble', 'aria-live': 'polite', 'aria-busy': 'false', 'data-state': 'pending' }),
      h('div', { class: 'meta a-tools', hidden: true }),
      h('div', { class: 'a-note' })));
  return turn;
}

/**
 * setAnswer paints the answer of turn: text so far and its status; a
 * finished answer gets its time (when, or now) and copy buttons.
 */
export function setAnswer(turn, text, status, when = new Date()) {
  const tools = turn.querySelector('.a-tools');
  tools.hidden = status !== 'done';
  replace(tools);
  const b = turn.querySelector('.a-bubble');
  b.dataset.state = status;
  // a failure with nothing written says so in its note alone
  b.hidden = status === 'failed' && !text;
  b.setAttribute('aria-busy', String(status === 'streaming' || status === 'pending'));
  const body = render(text);
  if (status === 'streaming' || status === 'pending') {
    if (!text) {
      replace(b, typing(status === 'pending' ? t('chat.pending') : t('chat.typing')));
      return;
    }
    replace(b, body);
    const last = b.lastElementChild;
    (last && last.tagName !== 'FIGURE' ? last : b).append(h('span', { class: 'caret', 'aria-hidden': 'true' }));
    return;
  }
  replace(b, body);
  if (status !== 'done') return;
  for (const card of b.querySelectorAll('figure.quote-card')) {
    card.append(copyButton(t('chat.copyQuote'), () => cardText(card), 'copy-quote'));
  }
  replace(tools,
    h('time', { datetime: when.toISOString() }, formatDateTime(when)),
    copyButton(t('chat.copy'), () => text, 'copy-answer'));
}

// copyButton copies what text() returns, and says so in its own status line.
function copyButton(label, text, cls) {
  const said = h('span', { class: 'copied', role: 'status' });
  const button = h('button', {
    type: 'button', class: `icon-btn ${cls}`, 'aria-label': label, title: label,
    onclick: async () => {
      const ok = await copyText(text());
      said.textContent = t(ok ? 'chat.copied' : 'chat.copyFailed');
      setTimeout(() => { said.textContent = ''; }, 2000);
    },
  }, icon(icons.copy, { size: 16 }));
  return h('span', { class: 'copy' }, button, said);
}

// cardText is a quote card of an answer as text: “line” — speaker · episode.
function cardText(card) {
  const line = card.querySelector('blockquote').textContent.trim();
  const caption = card.querySelector('figcaption');
  return caption ? `“${line}” — ${caption.textContent.trim()}` : `“${line}”`;
}

function typing(label) {
  return h('span', { class: 'typing', role: 'img', 'aria-label': label }, h('i'), h('i'), h('i'));
}

/** failNote says under the answer why it failed, with a button to try again. */
export function failNote(turn, reason, retry, label = t('common.retry')) {
  const note = turn.querySelector('.a-note');
  replace(note,
    h('p', { class: 'fail', role: 'alert' }, reason),
    h('button', { type: 'button', class: 'btn small retry', onclick: retry }, icon(icons.retry, { size: 16 }), label));
}

/** clearNote empties the note under the answer. */
export function clearNote(turn) {
  replace(turn.querySelector('.a-note'));
}

function askDelete(turn, { removed, focus }) {
  const meta = turn.querySelector('.q-meta');
  if (meta.querySelector('.confirm')) return;
  const cancel = () => { box.remove(); meta.querySelector('.del').hidden = false; meta.querySelector('.del').focus(); };
  const yes = h('button', { type: 'button', class: 'btn small danger' }, t('chat.delete.confirm'));
  const box = h('div', { class: 'confirm', role: 'group', 'aria-label': t('chat.delete.ask') },
    h('span', {}, t('chat.delete.ask')), yes,
    h('button', { type: 'button', class: 'btn small ghost', onclick: cancel }, t('common.cancel')));
  box.addEventListener('keydown', (e) => { if (e.key === 'Escape') cancel(); });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try {
      if (turn.dataset.id) await request(`/api/collections/chats/records/${encodeURIComponent(turn.dataset.id)}`, { method: 'DELETE' });
      turn.remove();
      removed();
      focus();
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) { turn.remove(); removed(); return; }
      yes.disabled = false;
      box.append(h('span', { class: 'fail' }, err.message || t('common.error')));
    }
  });
  meta.querySelector('.del').hidden = true;
  meta.append(box);
  yes.focus();
}

/** atBottom says whether the reader is at the end of the page, where the view may follow new text. */
export function atBottom() {
  return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 80;
}

/** scrollToEnd shows the newest turn. */
export function scrollToEnd() {
  window.scrollTo(0, document.documentElement.scrollHeight);
}
