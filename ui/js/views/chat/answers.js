// Another answer to a question (POST /api/chat/{id}/regenerate, streamed
// like a question), and an answer still being written when the page loaded
// (GET /api/chat/{id}/stream: a reload in the middle, or another device),
// both painted into the question's turn as runs of the runner, so either
// can be stopped.

import { stream, ApiError } from '../../api.js';
import { t } from '../../i18n.js';
import { quota, setQuota, setQuotaFromHeaders } from '../../quota.js';
import { setAnswer, clearNote, answerCount } from './turns.js';
import { answerPainter, paintStream } from './run.js';

const path = (id, what) => `/api/chat/${encodeURIComponent(id)}/${what}`;

/**
 * makeAnswers regenerates and follows the answers of turns, through
 * runner. askAgain(text) offers a question that failed again; focusStop()
 * moves the focus to Stop. It returns {regenerate(turn), follow(turn, id,
 * otherwise)}.
 */
export function makeAnswers({ runner, askAgain, focusStop }) {
  // regenerate asks for a new answer to the question of turn; the earlier
  // ones stay, and ‹ 1/2 › goes between them.
  function regenerate(turn) {
    const id = turn.dataset.id;
    if (!id) return Promise.resolve(false);
    // the regenerate button pressed goes with the answer it was under
    // (and is disabled before that): Stop takes the focus
    const pressed = turn.contains(document.activeElement);
    return runner.run(async (self) => {
      self.known(id);
      clearNote(turn);
      const answer = answerPainter(turn, () => regenerate(turn));
      try {
        const res = await stream(path(id, 'regenerate'), { signal: self.signal });
        setQuotaFromHeaders(res.headers);
        if (!res.events) { // answered as JSON: the new answer at once
          if (res.data && res.data.reply) answer.done(res.data.reply, res.data.chat);
          else answer.fail(t('common.error'));
          return;
        }
        setAnswer(turn, '', 'streaming');
        self.open();
        if (pressed) focusStop();
        const end = await paintStream(res.events, answer, { chat: (data) => setQuota(data.quota) });
        if (end === 'broken') answer.fail(t('common.offline'));
      } catch (err) {
        if (self.signal.aborted) return;
        if (!(err instanceof ApiError)) {
          answer.fail(t('common.offline'));
          return;
        }
        // api.js has ended the session and left the sign-in page its notice
        if (err.status === 401) return;
        setQuotaFromHeaders(err.headers);
        if (err.status === 409) {
          // an answer to it is running already (another tab): show that one
          await into(self, turn, id, () => answerPainter(turn, () => regenerate(turn)).fail(t('common.offline')));
          return;
        }
        if (err.status === 429 && quota) setQuota({ ...quota, remaining: 0, used: quota.limit, reset: quota.reset });
        // nothing was written: the earlier answer stays, with the reason
        answer.refused(err.message || t('common.error'));
      }
    });
  }

  // follow shows the answer to question id as it is written, with stop;
  // otherwise() is called instead when that cannot be done (another answer
  // is running, or the stream is refused or breaks off).
  function follow(turn, id, otherwise) {
    if (runner.busy()) {
      otherwise();
      return;
    }
    runner.run((self) => {
      self.known(id);
      return into(self, turn, id, otherwise);
    });
  }

  // into paints the stream of the answer to question id into turn.
  async function into(self, turn, id, otherwise) {
    const question = turn.querySelector('.q-bubble').textContent;
    // a failed first answer is asked again from the composer; a failed
    // regeneration is tried again
    const answer = answerCount(turn)
      ? answerPainter(turn, () => regenerate(turn))
      : answerPainter(turn, () => askAgain(question), t('chat.askAgain'));
    try {
      const res = await opened(id, self.signal);
      if (!res.events) {
        otherwise();
        return;
      }
      self.open();
      const end = await paintStream(res.events, answer);
      if (end === 'broken') otherwise();
    } catch (err) {
      if (self.signal.aborted || (err instanceof ApiError && err.status === 401)) return;
      otherwise();
    }
  }

  return { regenerate, follow };
}

// opened opens the stream of the answer to question id. A 409 says it has
// been accepted but not started yet: ask again a few times, shortly after.
async function opened(id, signal) {
  for (let tries = 1; ; tries++) {
    try {
      return await stream(path(id, 'stream'), { method: 'GET', signal });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409) || tries >= 5) throw err;
      await new Promise((r) => setTimeout(r, 300 * tries));
    }
  }
}
