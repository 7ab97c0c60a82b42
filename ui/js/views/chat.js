// The chat at #/chat: the history above, the dock below, and the empty
// state with suggested questions; views/chat/ holds the parts.

import { t } from '../i18n.js';
import { h, icon, icons } from '../dom.js';
import { quota } from '../quota.js';
import { makeTurn } from './chat/turns.js';
import { makeHistory } from './chat/history.js';
import { makeAsker } from './chat/ask.js';
import { makeDock } from './chat/dock.js';
import { suggestedQuestions } from './chat/suggest.js';
import { latestConversation } from './chat/conversations.js';

/** chatView is the chat at #/chat. */
export function chatView(root) {
  const list = h('ol', { class: 'turns', 'aria-label': t('chat.title') });
  const empty = h('div', { class: 'empty-chat', hidden: true });
  const dock = h('div', { class: 'dock' });

  // the conversation shown, continued by the next question: the most
  // recently active one at first; none (a new one) after "new conversation"
  const conversation = { id: null };
  const title = h('p', { class: 'chat-title' });
  const fresh = h('button', { type: 'button', class: 'btn small ghost new-chat' }, icon(icons.plus, { size: 16 }), t('chat.new'));
  const head = h('div', { class: 'chat-head' }, title, fresh);
  const showTitle = (conv) => { title.textContent = conv ? conv.title : t('chat.new.title'); };

  const newTurn = (question, when) => makeTurn(question, when, { removed: paintEmpty, focus: () => composer.focus() });
  const history = makeHistory(list, {
    newTurn,
    askAgain: (text) => { composer.setText(text); composer.focus(); },
    changed: paintEmpty,
    conversation,
  });
  const asker = makeAsker(list, {
    newTurn,
    changed: paintEmpty,
    painted: () => { composer.paint(); fresh.disabled = asker.busy(); },
    giveBack: (content, message) => { composer.setText(content); composer.showError(message); },
    conversation,
    started: showTitle,
  });
  const composer = makeDock(dock, { send: (content) => asker.ask(content), busy: asker.busy });

  fresh.addEventListener('click', () => {
    if (asker.busy()) return;
    conversation.id = null;
    showTitle(null);
    history.reset();
    history.load();
    composer.focus();
  });

  function paintEmpty() {
    const none = list.children.length === 0 && history.started();
    empty.hidden = !none;
    if (!none || empty.childElementCount) return;
    const ideas = h('ul', { class: 'suggestions' });
    empty.append(
      h('div', { class: 'empty-mark', 'aria-hidden': 'true' }, '“'),
      h('h2', {}, t('chat.empty.title')),
      h('p', { class: 'lead' }, t('chat.empty.lead')),
      ideas);
    suggestedQuestions().then((questions) => {
      ideas.append(...questions.map((q) => h('li', {},
        h('button', {
          type: 'button', class: 'suggestion', onclick: () => {
            if (quota && quota.remaining === 0) return;
            asker.ask(q);
          },
        }, q))));
    }).catch(() => {}); // the composer remains
  }

  root.append(h('section', { class: 'chat' },
    h('h1', { class: 'sr-only' }, t('chat.title')),
    head, history.top, history.loading, empty, list, dock));
  latestConversation()
    .then((conv) => {
      conversation.id = conv ? conv.id : null;
      showTitle(conv);
    })
    .catch(() => showTitle(null)) // the history's load says what went wrong
    .then(() => history.load())
    .then(() => { if (!(quota && quota.remaining === 0)) composer.focus(); });

  return {
    destroy() {
      history.destroy();
      composer.destroy();
    },
  };
}
