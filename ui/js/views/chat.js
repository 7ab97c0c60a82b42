// The chat at #/chat: the history above, the dock below, and the empty
// state with suggested questions; views/chat/ holds the parts.

import { t } from '../i18n.js';
import { h, icon, icons } from '../dom.js';
import { quota } from '../quota.js';
import { makeTurn, keepAtBottom } from './chat/turns.js';
import { makeHistory } from './chat/history.js';
import { makeAsker } from './chat/ask.js';
import { makeRunner } from './chat/run.js';
import { makeAnswers } from './chat/answers.js';
import { makeDock } from './chat/dock.js';
import { suggestedQuestions } from './chat/suggest.js';
import { latestConversation, findConversation, makeConversationList, placeList, replaceAddress } from './chat/conversations.js';

/** chatView is the chat at #/chat, or #/chat/ID for one conversation. */
export function chatView(root, [asked] = []) {
  const list = h('ol', { class: 'turns', 'aria-label': t('chat.title') });
  const empty = h('div', { class: 'empty-chat', hidden: true });
  const dock = h('div', { class: 'dock' });

  // the conversation shown, continued by the next question: the one in the
  // address or the most recently active one at first; none (a new one)
  // after "new conversation"
  const conversation = { id: null };
  const title = h('p', { class: 'chat-title' });
  const drawerButton = h('button', {
    type: 'button', class: 'icon-btn conv-toggle', 'aria-label': t('chat.list.open'), title: t('chat.list.open'),
  }, icon(icons.menu, { size: 20 }));
  const fresh = h('button', { type: 'button', class: 'btn small ghost new-chat' }, icon(icons.plus, { size: 16 }), t('chat.new'));
  const head = h('div', { class: 'chat-head' }, drawerButton, title, fresh);
  const showTitle = (conv) => { title.textContent = conv ? conv.title : t('chat.new.title'); };

  // one answer is written at a time: asked, regenerated or followed
  let wasBusy = false;
  const runner = makeRunner({
    painted: () => {
      const busy = runner.busy();
      composer.paint();
      fresh.disabled = busy;
      list.querySelectorAll('.regen').forEach((b) => { b.disabled = busy; });
      // its activity moved the conversation to the top
      if (wasBusy && !busy) conversations.refresh();
      wasBusy = busy;
    },
  });
  const askAgain = (text) => { composer.setText(text); composer.focus(); };
  const answers = makeAnswers({ runner, askAgain, focusStop: () => composer.focusStop() });
  const newTurn = (question, when) => makeTurn(question, when, {
    removed: paintEmpty, focus: () => composer.focus(), regenerate: answers.regenerate, busy: runner.busy,
  });
  const history = makeHistory(list, {
    newTurn,
    askAgain,
    follow: answers.follow,
    changed: paintEmpty,
    conversation,
  });
  const asker = makeAsker(list, {
    runner,
    newTurn,
    changed: paintEmpty,
    giveBack: (content, message) => { composer.setText(content); composer.showError(message); },
    conversation,
    started: (conv) => { showTitle(conv); replaceAddress(conv.id); },
  });
  const composer = makeDock(dock, {
    send: (content) => asker.ask(content),
    busy: runner.busy,
    live: runner.live,
    stop: runner.stop,
    stopping: runner.stopping,
  });
  const stopKeeping = keepAtBottom(dock);

  // open shows a conversation (null: a new, empty one).
  function open(conv) {
    if (runner.busy()) return;
    conversation.id = conv ? conv.id : null;
    showTitle(conv);
    replaceAddress(conversation.id);
    history.reset();
    history.load();
    conversations.mark();
    place.close();
    composer.focus();
  }
  const conversations = makeConversationList({
    current: () => conversation.id,
    open,
    renamed: (conv) => { if (conv.id === conversation.id) showTitle(conv); },
    removed: (id) => { if (id === conversation.id) open(null); },
  });
  const place = placeList(conversations.el, drawerButton);
  fresh.addEventListener('click', () => open(null));

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
  (asked ? findConversation(asked) : Promise.resolve(null))
    .then((conv) => conv || latestConversation())
    .then((conv) => {
      conversation.id = conv ? conv.id : null;
      showTitle(conv);
      replaceAddress(conversation.id);
      conversations.mark();
    })
    .catch(() => showTitle(null)) // the history's load says what went wrong
    .then(() => history.load())
    .then(() => { if (!(quota && quota.remaining === 0)) composer.focus(); });

  return {
    destroy() {
      place.destroy();
      runner.destroy();
      history.destroy();
      composer.destroy();
      stopKeeping();
    },
  };
}
