// The chat's history: pages of questions from PocketBase's records API,
// each with all its answers, newest at the bottom, older pages put on top
// when the reader scrolls up; an answer still being written is followed as
// it grows (or, when that cannot be, polled until it ends).

import { request, session, filterValue } from '../../api.js';
import { t } from '../../i18n.js';
import { h, replace } from '../../dom.js';
import { setAnswer, setAnswers, failNote, scrollToEnd, recordTime } from './turns.js';

const PAGE = 20;
// a question's reply (the newest answer) and all its answers
const EXPAND = 'reply,chats_via_question';

/**
 * makeHistory loads the turns of list, a page at a time, from the
 * conversation whose id conversation.id holds (none: a new conversation,
 * with no history). newTurn(question, when) builds a turn; askAgain(text)
 * offers a failed question again; follow(turn, id, otherwise) shows an
 * answer being written; changed() is called when pages have been
 * added. It returns {top, loading} (elements for the view to place above
 * list), load(), started() (a page has come), reset() (empty, for another
 * conversation) and destroy().
 */
export function makeHistory(list, { newTurn, askAgain, follow, changed, conversation }) {
  // Pages go by a cursor (the oldest question shown), not by page number,
  // so questions asked or deleted meanwhile shift nothing.
  const state = { page: 0, more: true, loading: false, disposed: false, timers: new Set(), oldest: null };
  const older = h('button', { type: 'button', class: 'btn ghost small older', hidden: true }, t('chat.older'));
  const top = h('div', { class: 'log-top' }, older);
  const loading = h('p', { class: 'loading', role: 'status' }, t('common.loading'));
  const ctx = { state, newTurn, askAgain, follow };

  async function load() {
    if (state.loading || !state.more) return;
    state.loading = true;
    older.disabled = true;
    const before = document.documentElement.scrollHeight;
    const wasAtTop = state.page > 0;
    try {
      const id = conversation.id;
      const { data } = id ? await request(`/api/collections/chats/records?${pageQuery(state.oldest, id)}`) : { data: { items: [] } };
      if (state.disposed || id !== conversation.id) return;
      state.page++;
      state.more = data.items.length === PAGE;
      if (data.items.length) state.oldest = data.items[data.items.length - 1];
      const nodes = data.items.slice().reverse().map((rec) => fromRecord(rec, ctx));
      list.prepend(...nodes);
      if (wasAtTop) {
        // keep what the reader was looking at in place
        window.scrollBy(0, document.documentElement.scrollHeight - before);
      } else {
        scrollToEnd();
      }
    } catch (err) {
      if (state.page === 0) replace(loading, errorLine(err, load));
      state.loading = false;
      older.disabled = false;
      return;
    }
    loading.remove();
    older.hidden = !state.more;
    older.disabled = false;
    top.classList.toggle('beginning', !state.more && state.page > 1);
    if (!state.more && state.page > 1) top.append(h('p', { class: 'meta center' }, t('chat.beginning')));
    state.loading = false;
    changed();
  }

  older.addEventListener('click', load);
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && state.page > 0 && state.more) load();
  }, { rootMargin: '200px 0px 0px 0px' });
  io.observe(top);

  return {
    top,
    loading,
    load,
    started: () => state.page > 0,
    reset() {
      state.timers.forEach(clearTimeout);
      state.timers.clear();
      Object.assign(state, { page: 0, more: true, loading: false, oldest: null });
      list.replaceChildren();
      older.hidden = true;
      top.classList.remove('beginning');
      replace(top, older);
    },
    destroy() {
      state.disposed = true;
      io.disconnect();
      state.timers.forEach(clearTimeout);
    },
  };
}

// fromRecord builds the turn of a saved question with its answers (the
// one its reply names shown); an answer still being written is followed.
// ctx: {state, newTurn, askAgain, follow}.
function fromRecord(rec, ctx) {
  const reply = rec.expand && rec.expand.reply;
  const turn = ctx.newTurn(rec.content, recordTime(rec.created));
  turn.dataset.id = rec.id;
  const answers = answersOf(rec);
  setAnswers(turn, answers, reply && reply.id);
  if (rec.status === 'pending' || (reply && reply.status === 'pending')) {
    // the earlier answers (a regeneration) wait behind ‹ 1/2 ›
    setAnswer(turn, '', 'pending');
    ctx.follow(turn, rec.id, () => pollPending(turn, rec.id, ctx));
  } else if (answers.length) {
    return turn; // the one shown is painted
  } else if (rec.status === 'stopped') {
    setAnswer(turn, '', 'stopped'); // stopped before its first word
  } else if (rec.status === 'failed' || (reply && reply.status === 'failed')) {
    setAnswer(turn, reply ? reply.content : '', 'failed');
    failNote(turn, t('chat.failed.short'), () => ctx.askAgain(rec.content), t('chat.askAgain'));
  } else {
    setAnswer(turn, '', 'pending');
    pollPending(turn, rec.id, ctx);
  }
  return turn;
}

// answersOf is every finished answer of a question, oldest first: those
// whose `question` is it, and its reply (older records have no `question`).
function answersOf(rec) {
  const ex = rec.expand || {};
  const all = (ex.chats_via_question || []).slice();
  if (ex.reply && !all.some((a) => a.id === ex.reply.id)) all.push(ex.reply);
  return all
    .filter((a) => a.status === 'done' || a.status === 'stopped')
    .sort((a, b) => String(a.created).localeCompare(String(b.created)) || String(a.id).localeCompare(String(b.id)));
}

// An answer still being written that cannot be followed (another one is
// running, or its stream was refused or broke off) is saved by the server
// once done: look every 3 s.
function pollPending(turn, id, ctx) {
  const { state } = ctx;
  let tries = 0;
  const tick = async () => {
    state.timers.delete(timer);
    if (state.disposed || !turn.isConnected) return;
    try {
      const { data } = await request(`/api/collections/chats/records/${encodeURIComponent(id)}?expand=${EXPAND}`);
      if (data.status !== 'pending' || ++tries > 60) {
        turn.replaceWith(fromRecord(data, ctx));
        return;
      }
    } catch { /* keep waiting */ }
    timer = setTimeout(tick, 3000);
    state.timers.add(timer);
  };
  let timer = setTimeout(tick, 3000);
  state.timers.add(timer);
}

// pageQuery asks for the page of a conversation's questions older than
// oldest (the newest page without it), newest first, each with its answer.
function pageQuery(oldest, conversation) {
  let filter = `user = ${filterValue(session.user.id)} && conversation = ${filterValue(conversation)} && role = 'user'`;
  if (oldest) {
    const c = filterValue(oldest.created);
    filter += ` && (created < ${c} || (created = ${c} && id < ${filterValue(oldest.id)}))`;
  }
  return new URLSearchParams({
    perPage: String(PAGE), sort: '-created,-id', filter, expand: EXPAND, skipTotal: '1',
  });
}

function errorLine(err, retry) {
  return h('span', { class: 'fail' },
    (err && err.message) || t('common.offline'), ' ',
    h('button', { type: 'button', class: 'btn small', onclick: retry }, t('common.retry')));
}
