// The chat's dock: the composer while questions are left, and at 0 a card
// with the reset time and a live countdown instead (no send button that can
// only fail). While an answer is written, Send becomes Stop, and the
// composer stays until it ends, even when that answer used the last question.

import { t } from '../../i18n.js';
import { h, replace, icon, icons } from '../../dom.js';
import { quota, loadQuota, onQuota, resetTime, countdown } from '../../quota.js';

/** maxChars is the server's longest message (its default until the quota is known). */
export const maxChars = () => (quota && quota.maxChars) || 2000;

/**
 * makeDock fills dock and returns the composer's controls. send(content) is
 * called with the trimmed text; busy() says whether an answer is running,
 * live() whether it can be stopped (stop()), stopping() whether it is.
 */
export function makeDock(dock, { send, busy, live, stop, stopping }) {
  const input = h('textarea', {
    class: 'composer-input', rows: 1, placeholder: t('chat.placeholder'),
    'aria-label': t('chat.inputLabel'), maxlength: String(maxChars() * 2), enterkeyhint: 'send',
  });
  const counter = h('span', { class: 'counter', 'aria-live': 'polite' });
  const sendBtn = h('button', { type: 'submit', class: 'btn primary send', 'aria-label': t('chat.send'), title: t('chat.send') },
    icon(icons.send), h('span', { class: 'send-label' }, t('chat.send')));
  const stopBtn = h('button', {
    type: 'button', class: 'btn stop', 'aria-label': t('chat.stop'), title: t('chat.stop'), hidden: true,
    onclick: () => { if (stopBtn.getAttribute('aria-disabled') !== 'true') stop(); },
  }, icon(icons.stop, { size: 18 }), h('span', { class: 'send-label' }, t('chat.stop')));
  const error = h('p', { class: 'field-error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'composer' },
    h('div', { class: 'composer-row' }, input, sendBtn, stopBtn),
    h('div', { class: 'composer-meta' }, h('span', { class: 'hint' }, t('chat.hint')), counter),
    error);
  const limit = makeLimitCard();

  const showError = (msg) => {
    error.textContent = msg;
    error.hidden = !msg;
  };

  const paint = () => {
    const n = [...input.value].length;
    const max = maxChars();
    input.maxLength = max * 2;
    sendBtn.disabled = busy() || !input.value.trim() || n > max;
    sendBtn.setAttribute('aria-busy', String(busy()));
    counter.textContent = n > max * 0.8 ? t('chat.count', { n, max }) : '';
    counter.classList.toggle('over', n > max);
    paintStop();
    paintLimit();
  };

  // Send gives way to Stop while an answer can be stopped; the focus goes
  // with it when it was on the button that goes.
  const paintStop = () => {
    const running = live();
    const hadSend = document.activeElement === sendBtn;
    const hadStop = document.activeElement === stopBtn;
    sendBtn.hidden = running;
    stopBtn.hidden = !running;
    stopBtn.setAttribute('aria-disabled', String(running && stopping()));
    if (running && hadSend) stopBtn.focus();
    if (!running && hadStop) input.focus({ preventScroll: true });
  };

  input.addEventListener('input', () => { grow(input); paint(); showError(''); });
  input.addEventListener('keydown', (e) => {
    // Enter sends, Shift+Enter breaks the line; never while an IME composes
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const content = input.value.trim();
    if (!content || busy()) return;
    if ([...content].length > maxChars()) { showError(t('chat.tooLong', { max: maxChars() })); return; }
    input.value = '';
    grow(input);
    send(content);
  });

  // at 0 left the composer gives way: no send button that can only fail;
  // the card is drawn anew for each new quota only, so that its countdown
  // runs on while the composer repaints
  let shownFor = null;
  const paintLimit = () => {
    const limited = !!quota && quota.remaining === 0 && !live();
    dock.classList.toggle('limited', limited);
    form.hidden = limited;
    const key = limited ? quota : null;
    if (key === shownFor) return;
    shownFor = key;
    limit.show(limited);
  };

  dock.append(form, limit.card);
  const stopQuota = onQuota(paintLimit);
  paintLimit();
  paint();

  return {
    paint,
    showError,
    /** setText puts text back into the composer (a refused or failed question). */
    setText(text) {
      input.value = text;
      input.dispatchEvent(new Event('input'));
    },
    focus() {
      if (!form.hidden) input.focus({ preventScroll: true });
    },
    /** focusStop puts the focus on Stop (the button pressed to start the answer is gone). */
    focusStop() {
      if (!stopBtn.hidden) stopBtn.focus();
    },
    destroy() {
      stopQuota();
      limit.stop();
    },
  };
}

// The textarea grows with its text, up to about 6 lines.
function grow(input) {
  input.style.height = 'auto';
  const line = parseFloat(getComputedStyle(input).lineHeight) || 26;
  input.style.height = `${Math.min(input.scrollHeight, line * 6 + 20)}px`;
}

// makeLimitCard is the dock at 0 left: when the next question is possible,
// with a countdown that asks for the quota again once it runs out.
function makeLimitCard() {
  const card = h('section', { class: 'limit-card', hidden: true, 'aria-live': 'polite' });
  let timer = 0;
  const stop = () => clearInterval(timer);
  const show = (limited) => {
    card.hidden = !limited;
    stop();
    if (!limited) return;
    const left = h('strong', { class: 'countdown', 'data-testid': 'countdown' });
    replace(card,
      h('div', { class: 'limit-icon', 'aria-hidden': 'true' }, icon(icons.clock, { size: 28 })),
      h('div', {},
        h('h2', {}, t('limit.title')),
        h('p', {}, t('limit.body', { limit: quota.limit, time: resetTime(quota) })),
        h('p', { class: 'countdown-line' }, left)));
    const tick = () => {
      left.textContent = t('limit.countdown', { left: countdown(quota.reset) });
      if (quota.reset.getTime() <= Date.now()) {
        stop();
        loadQuota().catch(() => {});
      }
    };
    tick();
    timer = setInterval(tick, 1000);
  };
  return { card, show, stop };
}
