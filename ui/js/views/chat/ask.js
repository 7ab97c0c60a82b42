// Asking: a question goes to POST /api/chat as a stream, through api.stream
// (so a 401 is handled where every other one is), and its answer is painted
// as it grows. A failed answer keeps its turn with a retry that reuses the
// same Idempotency-Key, so a retry is never charged twice.

import { stream, request, newIdempotencyKey, ApiError } from '../../api.js';
import { t } from '../../i18n.js';
import { quota, setQuota, setQuotaFromHeaders, loadQuota } from '../../quota.js';
import { setAnswer, failNote, clearNote, atBottom, scrollToEnd } from './turns.js';

/**
 * makeAsker sends the questions of list into the conversation whose id
 * conversation.id holds (none: the first question starts one, and its id is
 * kept there). newTurn(question, when) builds a turn; changed() is called
 * when a turn was added or taken away; painted() when busy() changed;
 * started(conversation) when a question started a conversation;
 * giveBack(content, message) returns a refused question to the composer.
 * It returns {ask(content), busy()}.
 */
export function makeAsker(list, { newTurn, changed, painted, giveBack, conversation, started }) {
  let sending = false;

  async function ask(content, turn = null, key = newIdempotencyKey()) {
    if (sending) return;
    sending = true;
    painted();
    const retrying = turn !== null;
    if (!turn) {
      turn = newTurn(content, new Date());
      list.append(turn);
      changed();
      scrollToEnd();
    }
    clearNote(turn);
    setAnswer(turn, '', 'streaming');
    const answer = answerPainter(turn, () => ask(content, turn, key));
    try {
      const body = conversation.id ? { content, conversation: conversation.id } : { content };
      const res = await stream('/api/chat', { body, headers: { 'Idempotency-Key': key } });
      setQuotaFromHeaders(res.headers);
      if (res.events) await follow(res.events, turn, answer, joined);
      else replayed(res, turn, answer, joined);
    } catch (err) {
      if (err instanceof ApiError) refused(err, { content, turn, retrying, answer });
      else answer.fail(t('common.offline'));
    } finally {
      sending = false;
      painted();
    }
  }

  // joined keeps the conversation a question went into.
  function joined(conv) {
    if (!conv || conv.id === conversation.id) return;
    conversation.id = conv.id;
    started(conv);
  }

  // refused handles an error answer, given before anything was streamed.
  function refused(err, { content, turn, retrying, answer }) {
    // api.js has ended the session and left the sign-in page its notice
    if (err.status === 401) return;
    setQuotaFromHeaders(err.headers);
    if (err.status === 404 && !retrying) {
      // the conversation was deleted meanwhile (another tab): the question starts a new one
      conversation.id = null;
      turn.remove();
      changed();
      giveBack(content, t('chat.conversationGone'));
      return;
    }
    if (![400, 403, 422, 429].includes(err.status)) {
      answer.fail(err.message || t('common.error'));
      return;
    }
    // nothing was written
    if (err.status === 429 && quota) setQuota({ ...quota, remaining: 0, used: quota.limit, reset: quota.reset });
    if (retrying) { // the failed attempt is still saved: keep its turn, say why
      answer.fail(err.message || t('common.error'));
      return;
    }
    // give the text back
    turn.remove();
    changed();
    if (err.status !== 429) giveBack(content, err.message);
  }

  return { ask, busy: () => sending };
}

// follow paints the events of an answer's stream until it ends.
async function follow(events, turn, answer, joined) {
  let finished = false;
  for await (const ev of events) {
    if (ev.event === 'chat') {
      if (ev.data.quota) setQuota(ev.data.quota);
      joined(ev.data.conversation);
      if (ev.data.chat) adopt(turn, ev.data.chat.id);
    } else if (ev.event === 'delta') {
      answer.add(ev.data.content || '');
    } else if (ev.event === 'done') {
      answer.done(ev.data.reply && ev.data.reply.content);
      finished = true;
    } else if (ev.event === 'error') {
      if (turn.dataset.id) turn.dataset.failed = turn.dataset.id;
      if (ev.data.quota) setQuota(ev.data.quota);
      answer.fail(ev.data.message || t('common.error'));
      finished = true;
      // the quota after the refund
      loadQuota().catch(() => {});
    }
  }
  if (!finished) answer.fail(t('common.offline'));
}

// replayed shows an answer the server sent as JSON: the first result of a
// replayed Idempotency-Key.
function replayed({ data, status, headers }, turn, answer, joined) {
  if (!(data && data.reply)) {
    answer.fail(new ApiError(status, data, headers).message || t('common.error'));
    return;
  }
  if (data.quota) setQuota(data.quota);
  joined(data.conversation);
  adopt(turn, data.chat.id);
  answer.done(data.reply.content);
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

// answerPainter paints a turn's answer at most once a frame while it grows,
// and follows it down only while the reader is at the bottom.
function answerPainter(turn, retry) {
  let text = '';
  let frame = 0;
  const paint = (status) => {
    frame = 0;
    const follow = atBottom();
    setAnswer(turn, text, status);
    if (follow) scrollToEnd();
  };
  return {
    add(piece) {
      text += piece;
      if (!frame) frame = requestAnimationFrame(() => paint('streaming'));
    },
    done(full) {
      if (frame) cancelAnimationFrame(frame);
      // the saved answer is the whole text, whatever pieces went missing
      if (typeof full === 'string' && full) text = full;
      paint('done');
    },
    fail(reason) {
      if (frame) cancelAnimationFrame(frame);
      paint('failed');
      failNote(turn, t(text ? 'chat.cut' : 'chat.failed', { reason }), retry);
    },
  };
}
