// The chat: history pages (newest at the bottom, older ones loaded at the
// top), answers streamed from POST /api/chat, the limit state with its
// countdown, retry with the same Idempotency-Key, and inline delete.

import { request, stream, newIdempotencyKey, session, ApiError, filterValue } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { h, replace, icon, icons } from '../dom.js';
import { render } from '../markdown.js';
import { quota, setQuota, setQuotaFromHeaders, loadQuota } from '../quota.js';
import { makeDock } from './chat/dock.js';

const PAGE = 20;

/** chatView is the chat at #/chat. */
export function chatView(root) {
  // History pages go by a cursor (the oldest question shown), not by page
  // number, so questions asked or deleted meanwhile shift nothing.
  const state = { page: 0, more: true, loading: false, sending: false, disposed: false, timers: new Set(), oldest: null };

  const older = h('button', { type: 'button', class: 'btn ghost small older', hidden: true }, t('chat.older'));
  const top = h('div', { class: 'log-top' }, older);
  const list = h('ol', { class: 'turns', 'aria-label': t('chat.title') });
  const empty = h('div', { class: 'empty-chat', hidden: true });
  const loading = h('p', { class: 'loading', role: 'status' }, t('common.loading'));
  const dock = h('div', { class: 'dock' });
  const view = h('section', { class: 'chat' },
    h('h1', { class: 'sr-only' }, t('chat.title')),
    top, loading, empty, list, dock);
  root.append(view);

  // ---- history -----------------------------------------------------------
  async function loadPage() {
    if (state.loading || !state.more) return;
    state.loading = true;
    older.disabled = true;
    const before = document.documentElement.scrollHeight;
    const wasAtTop = state.page > 0;
    try {
      let filter = `user = ${filterValue(session.user.id)} && role = 'user'`;
      if (state.oldest) {
        const c = filterValue(state.oldest.created);
        filter += ` && (created < ${c} || (created = ${c} && id < ${filterValue(state.oldest.id)}))`;
      }
      const q = new URLSearchParams({
        perPage: String(PAGE), sort: '-created,-id', filter, expand: 'reply', skipTotal: '1',
      });
      const { data } = await request(`/api/collections/chats/records?${q}`);
      if (state.disposed) return;
      state.page++;
      state.more = data.items.length === PAGE;
      if (data.items.length) state.oldest = data.items[data.items.length - 1];
      const nodes = data.items.slice().reverse().map((rec) => turnFromRecord(rec));
      list.prepend(...nodes);
      if (wasAtTop) {
        // keep what the reader was looking at in place
        window.scrollBy(0, document.documentElement.scrollHeight - before);
      } else {
        scrollToEnd();
      }
    } catch (err) {
      if (state.page === 0) replace(loading, errorLine(err, loadPage));
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
    paintEmpty();
  }

  older.addEventListener('click', loadPage);
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && state.page > 0 && state.more) loadPage();
  }, { rootMargin: '200px 0px 0px 0px' });
  io.observe(top);

  function paintEmpty() {
    const none = list.children.length === 0 && state.page > 0;
    empty.hidden = !none;
    if (!none || empty.childElementCount) return;
    empty.append(
      h('div', { class: 'empty-mark', 'aria-hidden': 'true' }, '“'),
      h('h2', {}, t('chat.empty.title')),
      h('p', { class: 'lead' }, t('chat.empty.lead')),
      h('ul', { class: 'suggestions' }, [1, 2, 3].map((n) => h('li', {},
        h('button', {
          type: 'button', class: 'suggestion', onclick: () => {
            if (quota && quota.remaining === 0) return;
            ask(t(`chat.suggest.${n}`));
          },
        }, t(`chat.suggest.${n}`))))));
  }

  // ---- a turn: question + answer ---------------------------------------
  function turnFromRecord(rec) {
    const reply = rec.expand && rec.expand.reply;
    const turn = makeTurn(rec.content, new Date(rec.created));
    turn.dataset.id = rec.id;
    if (reply && reply.status !== 'failed' && rec.status !== 'failed') {
      setAnswer(turn, reply.content, 'done');
    } else if (rec.status === 'pending' || (reply && reply.status === 'pending')) {
      setAnswer(turn, '', 'pending');
      pollPending(turn, rec.id);
    } else if (rec.status === 'failed' || (reply && reply.status === 'failed')) {
      setAnswer(turn, reply ? reply.content : '', 'failed');
      failNote(turn, t('chat.failed.short'), () => {
        composer.setText(rec.content);
        composer.focus();
      }, t('chat.askAgain'));
    } else {
      setAnswer(turn, '', 'pending');
      pollPending(turn, rec.id);
    }
    return turn;
  }

  function makeTurn(question, when) {
    const turn = h('li', { class: 'turn' });
    const del = h('button', {
      type: 'button', class: 'icon-btn del', 'aria-label': t('common.delete'), title: t('common.delete'),
      onclick: () => askDelete(turn),
    }, icon(icons.trash, { size: 16 }));
    turn.append(
      h('div', { class: 'q' },
        h('div', { class: 'bubble q-bubble' }, question),
        h('div', { class: 'meta q-meta' },
          h('time', { datetime: when.toISOString() }, formatDateTime(when)),
          del)),
      h('div', { class: 'a' },
        h('div', { class: 'bubble a-bubble', 'aria-live': 'polite', 'aria-busy': 'false', 'data-state': 'pending' }),
        h('div', { class: 'a-note' })));
    return turn;
  }

  function bubble(turn) {
    return turn.querySelector('.a-bubble');
  }

  function setAnswer(turn, text, status) {
    const b = bubble(turn);
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
  }

  function typing(label) {
    return h('span', { class: 'typing', role: 'img', 'aria-label': label }, h('i'), h('i'), h('i'));
  }

  function failNote(turn, reason, retry, label = t('common.retry')) {
    const note = turn.querySelector('.a-note');
    replace(note,
      h('p', { class: 'fail', role: 'alert' }, reason),
      h('button', { type: 'button', class: 'btn small retry', onclick: retry }, icon(icons.retry, { size: 16 }), label));
  }

  function pollPending(turn, id) {
    let tries = 0;
    const tick = async () => {
      state.timers.delete(timer);
      if (state.disposed || !turn.isConnected) return;
      try {
        const { data } = await request(`/api/collections/chats/records/${encodeURIComponent(id)}?expand=reply`);
        if (data.status !== 'pending' || ++tries > 60) {
          const fresh = turnFromRecord(data);
          turn.replaceWith(fresh);
          return;
        }
      } catch { /* keep waiting */ }
      timer = setTimeout(tick, 3000);
      state.timers.add(timer);
    };
    let timer = setTimeout(tick, 3000);
    state.timers.add(timer);
  }

  function askDelete(turn) {
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
        paintEmpty();
        composer.focus();
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) { turn.remove(); paintEmpty(); return; }
        yes.disabled = false;
        box.append(h('span', { class: 'fail' }, err.message || t('common.error')));
      }
    });
    meta.querySelector('.del').hidden = true;
    meta.append(box);
    yes.focus();
  }

  // ---- sending -----------------------------------------------------------
  function atBottom() {
    return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 80;
  }
  function scrollToEnd() {
    window.scrollTo(0, document.documentElement.scrollHeight);
  }

  // A turn shows the question saved last. A retry's question replaces the
  // one whose failure the server reported (an error event): that one (and
  // its partial answer) is deleted once the new one is saved, so a reload
  // shows the turn once. A stream that merely broke off is not deleted:
  // the server may have finished and saved its answer.
  function adopt(turn, id) {
    const failedId = turn.dataset.failed;
    turn.dataset.id = id;
    delete turn.dataset.failed;
    if (failedId && failedId !== id) {
      request(`/api/collections/chats/records/${encodeURIComponent(failedId)}`, { method: 'DELETE' }).catch(() => {});
    }
  }

  async function ask(content, turn = null, key = newIdempotencyKey()) {
    if (state.sending) return;
    state.sending = true;
    composer.paint();
    const retrying = turn !== null;
    if (!turn) {
      turn = makeTurn(content, new Date());
      list.append(turn);
      paintEmpty();
      scrollToEnd();
    }
    replace(turn.querySelector('.a-note'));
    setAnswer(turn, '', 'streaming');
    let text = '';
    let frame = 0;
    const paint = (status) => {
      frame = 0;
      const follow = atBottom();
      setAnswer(turn, text, status);
      if (follow) scrollToEnd();
    };
    const retry = () => ask(content, turn, key);
    const failed = (reason) => {
      if (frame) cancelAnimationFrame(frame);
      paint('failed');
      failNote(turn, t(text ? 'chat.cut' : 'chat.failed', { reason }), retry);
    };
    try {
      const res = await stream('/api/chat', { body: { content }, headers: { 'Idempotency-Key': key } });
      setQuotaFromHeaders(res.headers);
      if (!res.events) {
        const body = res.data;
        if (body && body.reply) { // a replay: the first result, as JSON
          if (body.quota) setQuota(body.quota);
          adopt(turn, body.chat.id);
          text = body.reply.content;
          paint('done');
          return;
        }
        failed(new ApiError(res.status, body, res.headers).message || t('common.error'));
        return;
      }
      let finished = false;
      for await (const ev of res.events) {
        if (ev.event === 'chat') {
          if (ev.data.quota) setQuota(ev.data.quota);
          if (ev.data.chat) adopt(turn, ev.data.chat.id);
        } else if (ev.event === 'delta') {
          text += ev.data.content || '';
          if (!frame) frame = requestAnimationFrame(() => paint('streaming'));
        } else if (ev.event === 'done') {
          if (frame) cancelAnimationFrame(frame);
          if (ev.data.reply && typeof ev.data.reply.content === 'string' && ev.data.reply.content) text = ev.data.reply.content;
          paint('done');
          finished = true;
        } else if (ev.event === 'error') {
          if (turn.dataset.id) turn.dataset.failed = turn.dataset.id;
          if (ev.data.quota) setQuota(ev.data.quota);
          failed(ev.data.message || t('common.error'));
          finished = true;
          // the quota after the refund
          loadQuota().catch(() => {});
        }
      }
      if (!finished) failed(t('common.offline'));
    } catch (err) {
      if (!(err instanceof ApiError)) {
        failed(t('common.offline'));
        return;
      }
      // api.js has ended the session and left the sign-in page its notice
      if (err.status === 401) return;
      setQuotaFromHeaders(err.headers);
      if ([400, 403, 422, 429].includes(err.status)) {
        // nothing was written
        if (err.status === 429 && quota) setQuota({ ...quota, remaining: 0, used: quota.limit, reset: quota.reset });
        if (retrying) { // the failed attempt is still saved: keep its turn, say why
          failed(err.message || t('common.error'));
          return;
        }
        // give the text back
        turn.remove();
        paintEmpty();
        if (err.status !== 429) {
          composer.setText(content);
          composer.showError(err.message);
        }
        return;
      }
      failed(err.message || t('common.error'));
    } finally {
      state.sending = false;
      composer.paint();
    }
  }

  // ---- the dock: composer or limit card ----------------------------------
  const composer = makeDock(dock, { send: (content) => ask(content), busy: () => state.sending });
  loadPage().then(() => { if (!(quota && quota.remaining === 0)) composer.focus(); });

  return {
    destroy() {
      state.disposed = true;
      io.disconnect();
      composer.destroy();
      state.timers.forEach(clearTimeout);
    },
  };
}

function errorLine(err, retry) {
  return h('span', { class: 'fail' },
    (err && err.message) || t('common.offline'), ' ',
    h('button', { type: 'button', class: 'btn small', onclick: retry }, t('common.retry')));
}
