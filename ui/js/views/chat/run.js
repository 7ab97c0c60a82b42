// The answer being written, whichever way it comes (asked, regenerated or
// followed after a reload): one at a time, painted as it grows, stoppable
// through POST /api/chat/{id}/stop, and ending with the saved answer.

import { request, ApiError } from '../../api.js';
import { t } from '../../i18n.js';
import { setQuota, loadQuota } from '../../quota.js';
import { setAnswer, addAnswer, answerCount, showAnswer, failNote, atBottom, scrollToEnd } from './turns.js';

/**
 * makeRunner runs one answer at a time. painted() is called whenever
 * busy() (a request is running), live() (its stream is open, so it can be
 * stopped) or stopping() changes. It returns {run, busy, live, stopping,
 * stop, destroy}.
 */
export function makeRunner({ painted }) {
  let current = null;
  let disposed = false;

  /**
   * run calls work(self) as the running answer, unless one runs already
   * (then it returns false). self: {signal (aborted when the view goes),
   * known(id) (the question's id, for stop), open() (the stream is open)}.
   */
  async function run(work) {
    if (current || disposed) return false;
    const controller = new AbortController();
    const self = {
      id: null, live: false, stopping: false, stopWanted: false, controller,
      signal: controller.signal,
      known(id) {
        self.id = id;
        // a stop asked for before the question had its id goes now
        if (self.stopWanted) { self.stopWanted = false; sendStop(self); }
      },
      open() {
        self.live = true;
        if (!disposed) painted();
      },
    };
    current = self;
    painted();
    try {
      await work(self);
    } finally {
      if (current === self) current = null;
      if (!disposed) painted();
    }
    return true;
  }

  async function stop() {
    const self = current;
    if (!self || !self.live || self.stopping) return;
    self.stopping = true;
    painted();
    if (self.id) await sendStop(self);
    else self.stopWanted = true;
  }

  // sendStop asks the server to stop; the stream then ends with the
  // stopped answer, as any other answer ends.
  async function sendStop(self) {
    try {
      await request(`/api/chat/${encodeURIComponent(self.id)}/stop`, { method: 'POST' });
    } catch (err) {
      // 409: it finished meanwhile; 404: it was deleted. Either way its
      // stream is ending; anything else leaves the button to press again.
      if (err instanceof ApiError && (err.status === 409 || err.status === 404)) return;
      if (current === self) {
        self.stopping = false;
        painted();
      }
    }
  }

  return {
    run,
    stop,
    busy: () => current !== null,
    live: () => !!current && current.live,
    stopping: () => !!current && current.stopping,
    destroy() {
      disposed = true;
      // the server goes on and saves the answer; a later visit shows it
      if (current) current.controller.abort();
    },
  };
}

/**
 * paintStream paints the events of an answer's stream with answer (an
 * answerPainter) until it ends, and says how: 'done', 'failed' (an error
 * event) or 'broken' (the stream ended without either). on.chat(data) gets
 * the first event's data, on.failed() is told of an error event.
 */
export async function paintStream(events, answer, on = {}) {
  for await (const ev of events) {
    if (ev.event === 'chat') {
      if (on.chat) on.chat(ev.data);
    } else if (ev.event === 'delta') {
      answer.add(ev.data.content || '');
    } else if (ev.event === 'done') {
      answer.done(ev.data.reply, ev.data.chat);
      return 'done';
    } else if (ev.event === 'error') {
      if (on.failed) on.failed();
      if (ev.data.quota) setQuota(ev.data.quota);
      answer.fail(ev.data.message || t('common.error'));
      // the quota after the refund
      loadQuota().catch(() => {});
      return 'failed';
    }
  }
  return 'broken';
}

/**
 * answerPainter paints the answer a turn is being given at most once a
 * frame while it grows, and follows it down only while the reader is at
 * the bottom. An earlier answer of the turn comes back when the new one
 * fails or brings nothing. retry is the fail note's button.
 */
export function answerPainter(turn, retry, retryLabel) {
  let text = '';
  let frame = 0;
  // settle paints at once what ends the answer
  const settle = (paint) => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    const follow = atBottom();
    paint();
    if (follow) scrollToEnd();
  };
  return {
    add(piece) {
      text += piece;
      if (frame) return;
      frame = requestAnimationFrame(() => settle(() => setAnswer(turn, text, 'streaming')));
    },
    /** done shows the saved answer (reply), or, with none, the stop that left nothing. */
    done(reply, chat) {
      settle(() => {
        const stopped = (chat && chat.status === 'stopped') || (reply && reply.status === 'stopped');
        if (reply) {
          // the saved answer is the whole text, whatever pieces went missing
          addAnswer(turn, { ...reply, content: reply.content || text, status: stopped ? 'stopped' : 'done' });
        } else if (text) {
          addAnswer(turn, { id: '', content: text, status: stopped ? 'stopped' : 'done', created: new Date().toISOString() });
        } else if (answerCount(turn)) {
          showAnswer(turn); // stopped before its first word: the earlier answer stays
        } else {
          setAnswer(turn, '', 'stopped');
        }
      });
    },
    /** fail says why the answer failed, under it or under the earlier one that stays. */
    fail(reason) {
      settle(() => {
        if (answerCount(turn)) {
          showAnswer(turn);
          failNote(turn, t('chat.again.failed', { reason }), retry, retryLabel);
          return;
        }
        setAnswer(turn, text, 'failed');
        failNote(turn, t(text ? 'chat.cut' : 'chat.failed', { reason }), retry, retryLabel);
      });
    },
    /** refused says why nothing was written (the limit), with no retry: the earlier answer stays. */
    refused(message) {
      settle(() => {
        if (answerCount(turn)) showAnswer(turn);
        else setAnswer(turn, '', 'failed');
        failNote(turn, message, null);
      });
    },
  };
}
