// Asking: a question goes to POST /api/chat as a stream, through api.stream
// (so a 401 is handled where every other one is), and its answer is painted
// as it grows (run.js). A failed answer keeps its turn with a retry that
// reuses the same Idempotency-Key, so a retry is never charged twice.

import { stream, request, newIdempotencyKey, ApiError } from '../../api.js';
import { t } from '../../i18n.js';
import { quota, setQuota, setQuotaFromHeaders } from '../../quota.js';
import { setAnswer, clearNote, scrollToEnd } from './turns.js';
import { answerPainter, paintStream } from './run.js';

/**
 * makeAsker sends the questions of list into the conversation whose id
 * conversation.id holds (none: the first question starts one, and its id is
 * kept there), as runs of runner (one answer at a time). newTurn(question,
 * when) builds a turn; changed() is called when a turn was added or taken
 * away; started(conversation) when a question started a conversation;
 * giveBack(content, message) returns a refused question to the composer.
 * It returns {ask(content)}.
 */
export function makeAsker(list, { runner, newTurn, changed, giveBack, conversation, started }) {
  function ask(content, turn = null, key = newIdempotencyKey()) {
    return runner.run(async (self) => {
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
        const res = await stream('/api/chat', { body, headers: { 'Idempotency-Key': key }, signal: self.signal });
        setQuotaFromHeaders(res.headers);
        if (!res.events) {
          replayed(res, turn, answer, joined);
          return;
        }
        self.open();
        const end = await paintStream(res.events, answer, {
          chat(data) {
            if (data.chat) self.known(data.chat.id);
            if (data.quota) setQuota(data.quota);
            joined(data.conversation);
            if (data.chat) adopt(turn, data.chat.id);
          },
          failed() {
            if (turn.dataset.id) turn.dataset.failed = turn.dataset.id;
          },
        });
        if (end === 'broken') answer.fail(t('common.offline'));
      } catch (err) {
        if (self.signal.aborted) return; // the view is gone
        if (err instanceof ApiError) refused(err, { content, turn, retrying, answer });
        else answer.fail(t('common.offline'));
      }
    });
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

  return { ask };
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
  answer.done(data.reply, data.chat);
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
