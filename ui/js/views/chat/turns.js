// A turn of the chat: the question, its answers (typing, streaming, done,
// stopped or failed; one shown at a time, with ‹ 1/2 › between them) with
// their time, copy and regenerate buttons once finished, the note under a
// failed answer, and inline delete; and the window's scrolling that follows
// the newest turn.

import { request, ApiError } from '../../api.js';
import { t, formatDateTime } from '../../i18n.js';
import { h, replace, icon, icons } from '../../dom.js';
import { render } from '../../markdown.js';
import { copyText } from '../../clipboard.js';

// Each turn's saved answers (records: {id, content, status, created}),
// oldest first, which one is shown, and what its regenerate button does.
const turns = new WeakMap();

/**
 * makeTurn builds a question with an empty answer. After its deletion,
 * removed() is called, then focus() unless it was already gone;
 * regenerate(turn) asks for another answer, unless busy() (one is running).
 */
export function makeTurn(question, when, { removed, focus, regenerate, busy = () => false }) {
  const turn = h('li', { class: 'turn' });
  turns.set(turn, { answers: [], shown: 0, regenerate, busy });
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
 * setAnswers keeps the saved answers of turn (oldest first) and shows the
 * one whose id is shownId, else the newest. With none, nothing is painted.
 */
export function setAnswers(turn, answers, shownId) {
  const s = turns.get(turn);
  s.answers = answers.slice();
  const i = s.answers.findIndex((a) => a.id === shownId);
  s.shown = i >= 0 ? i : s.answers.length - 1;
  showAnswer(turn);
}

/** addAnswer adds a new answer to turn and shows it. */
export function addAnswer(turn, answer) {
  const s = turns.get(turn);
  s.answers = s.answers.filter((a) => !answer.id || a.id !== answer.id).concat(answer);
  s.shown = s.answers.length - 1;
  showAnswer(turn);
}

/** answerCount is how many saved answers turn has. */
export function answerCount(turn) {
  return turns.get(turn).answers.length;
}

/** showAnswer paints the answer of turn that is shown (with none, nothing). */
export function showAnswer(turn) {
  const { answers, shown } = turns.get(turn);
  const a = answers[shown];
  if (a) setAnswer(turn, a.content, a.status === 'stopped' ? 'stopped' : 'done', recordTime(a.created));
}

/** recordTime reads a PocketBase date ("2026-11-25 10:00:00.000Z"); now when there is none. */
export function recordTime(value) {
  const d = new Date(String(value || '').replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

/**
 * setAnswer paints the answer of turn: text so far and its status
 * (pending, streaming, done, stopped or failed); a finished one (done or
 * stopped) gets its time (when, or now), copy and regenerate buttons, and
 * the switch between the turn's answers when it has several.
 */
export function setAnswer(turn, text, status, when = new Date()) {
  const tools = turn.querySelector('.a-tools');
  const finished = status === 'done' || status === 'stopped';
  tools.hidden = !finished;
  replace(tools);
  const b = turn.querySelector('.a-bubble');
  b.dataset.state = status;
  // a failure or a stop with nothing written says so in its note alone
  b.hidden = (status === 'failed' || status === 'stopped') && !text;
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
  if (!finished) return;
  for (const card of b.querySelectorAll('figure.quote-card')) {
    card.append(copyButton(t('chat.copyQuote'), () => cardText(card), 'copy-quote'));
  }
  const { regenerate, busy } = turns.get(turn);
  replace(tools,
    status === 'stopped' ? h('span', { class: 'stopped-tag' }, t('chat.stopped')) : null,
    text ? h('time', { datetime: when.toISOString() }, formatDateTime(when)) : null,
    text ? copyButton(t('chat.copy'), () => text, 'copy-answer') : null,
    regenerate ? h('button', {
      type: 'button', class: 'icon-btn regen', 'aria-label': t('chat.regenerate'), title: t('chat.regenerate'),
      disabled: busy(), onclick: () => regenerate(turn),
    }, icon(icons.retry, { size: 16 })) : null,
    switcher(turn));
}

// switcher is ‹ 2/3 › between the saved answers of turn, or null with one.
function switcher(turn) {
  const s = turns.get(turn);
  const n = s.answers.length;
  if (n < 2 || !s.answers[s.shown]) return null;
  const go = (step, cls) => () => {
    s.shown = Math.min(n - 1, Math.max(0, s.shown + step));
    showAnswer(turn);
    // the button pressed is painted anew: keep the focus on it, or on its
    // twin once the end is reached
    const tools = turn.querySelector('.a-tools');
    const again = tools.querySelector(`.${cls}:not(:disabled)`) || tools.querySelector('.switch button:not(:disabled)');
    if (again) again.focus();
  };
  return h('span', { class: 'switch', role: 'group', 'aria-label': t('chat.answers') },
    h('button', {
      type: 'button', class: 'icon-btn prev', 'aria-label': t('chat.prevAnswer'), title: t('chat.prevAnswer'),
      disabled: s.shown === 0, onclick: go(-1, 'prev'),
    }, icon(icons.back, { size: 16 })),
    h('span', { class: 'switch-count' }, `${s.shown + 1}/${n}`),
    h('button', {
      type: 'button', class: 'icon-btn next', 'aria-label': t('chat.nextAnswer'), title: t('chat.nextAnswer'),
      disabled: s.shown === n - 1, onclick: go(1, 'next'),
    }, icon(icons.forward, { size: 16 })));
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

/** failNote says under the answer why it failed, with a button to try again (none without retry). */
export function failNote(turn, reason, retry, label = t('common.retry')) {
  const note = turn.querySelector('.a-note');
  replace(note,
    h('p', { class: 'fail', role: 'alert' }, reason),
    retry ? h('button', { type: 'button', class: 'btn small retry', onclick: retry }, icon(icons.retry, { size: 16 }), label) : null);
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

/**
 * keepAtBottom keeps the end of the page in view when el grows (the dock
 * giving way to the taller limit card) while the reader was at the
 * bottom. It returns the function that stops it.
 */
export function keepAtBottom(el) {
  let height = el.getBoundingClientRect().height;
  const ro = new ResizeObserver(() => {
    const now = el.getBoundingClientRect().height;
    const grown = now - height;
    height = now;
    // at the bottom before el grew, as atBottom() would have said then
    const doc = document.documentElement;
    if (grown > 0 && window.innerHeight + window.scrollY >= doc.scrollHeight - grown - 80) scrollToEnd();
  });
  ro.observe(el);
  return () => ro.disconnect();
}
