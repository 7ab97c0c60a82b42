// The chat's history: pages of questions from PocketBase's records API,
// newest at the bottom, older pages put on top when the reader scrolls up,
// and answers still pending polled until they end.

import { request, session, filterValue } from '../../api.js';
import { t } from '../../i18n.js';
import { h, replace } from '../../dom.js';
import { setAnswer, failNote, scrollToEnd } from './turns.js';

const PAGE = 20;

/**
 * makeHistory loads the turns of list, a page at a time, from the
 * conversation whose id conversation.id holds (none: a new conversation,
 * with no history). newTurn(question, when) builds a turn; askAgain(text)
 * offers a failed question again; changed() is called when pages have been
 * added. It returns {top, loading} (elements for the view to place above
 * list), load(), started() (a page has come), reset() (empty, for another
 * conversation) and destroy().
 */
export function makeHistory(list, { newTurn, askAgain, changed, conversation }) {
  // Pages go by a cursor (the oldest question shown), not by page number,
  // so questions asked or deleted meanwhile shift nothing.
  const state = { page: 0, more: true, loading: false, disposed: false, timers: new Set(), oldest: null };
  const older = h('button', { type: 'button', class: 'btn ghost small older', hidden: true }, t('chat.older'));
  const top = h('div', { class: 'log-top' }, older);
  const loading = h('p', { class: 'loading', role: 'status' }, t('common.loading'));
  const ctx = { state, newTurn, askAgain };

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

// fromRecord builds the turn of a saved question; an answer still pending
// is polled until it ends. ctx: {state, newTurn, askAgain}.
function fromRecord(rec, ctx) {
  const reply = rec.expand && rec.expand.reply;
  const turn = ctx.newTurn(rec.content, new Date(rec.created));
  turn.dataset.id = rec.id;
  if (reply && reply.status !== 'failed' && rec.status !== 'failed') {
    setAnswer(turn, reply.content, 'done', new Date(String(reply.created).replace(' ', 'T')));
  } else if (rec.status === 'pending' || (reply && reply.status === 'pending')) {
    setAnswer(turn, '', 'pending');
    pollPending(turn, rec.id, ctx);
  } else if (rec.status === 'failed' || (reply && reply.status === 'failed')) {
    setAnswer(turn, reply ? reply.content : '', 'failed');
    failNote(turn, t('chat.failed.short'), () => ctx.askAgain(rec.content), t('chat.askAgain'));
  } else {
    setAnswer(turn, '', 'pending');
    pollPending(turn, rec.id, ctx);
  }
  return turn;
}

// An answer still being written when the page loaded (a reload in the
// middle of a stream) is saved by the server once done: look every 3 s.
function pollPending(turn, id, ctx) {
  const { state } = ctx;
  let tries = 0;
  const tick = async () => {
    state.timers.delete(timer);
    if (state.disposed || !turn.isConnected) return;
    try {
      const { data } = await request(`/api/collections/chats/records/${encodeURIComponent(id)}?expand=reply`);
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
    perPage: String(PAGE), sort: '-created,-id', filter, expand: 'reply', skipTotal: '1',
  });
}

function errorLine(err, retry) {
  return h('span', { class: 'fail' },
    (err && err.message) || t('common.offline'), ' ',
    h('button', { type: 'button', class: 'btn small', onclick: retry }, t('common.retry')));
}
