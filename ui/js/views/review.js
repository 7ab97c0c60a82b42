// The review queue at #/review, for moderators and superusers: pending
// quotes oldest first, each approved in one click, edited before approval
// or rejected with a reason; a select-all for bulk approval, and a hint on
// a line that looks like one already approved.

import { request, filterValue, ApiError } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { h, replace, icon, icons } from '../dom.js';
import { field, showErrors, localErrors, clearErrors, busy } from '../form.js';
import { PENDING_FILTER, setPending } from '../pending.js';
import { quoteForm, formBody, quoteFigure } from './quotes/form.js';

const PAGE = 50;
const APPROVALS_AT_ONCE = 4;
const LOOKUPS_AT_ONCE = 3;
const CLOSE = 0.6; // the Dice coefficient from which two lines count as close
const REASON_MAX = 200;

const recordPath = (id) => `/api/collections/quotes/records/${encodeURIComponent(id)}`;

/** reviewView is the review queue. */
export function reviewView(root) {
  const aborter = new AbortController();
  const items = new Map(); // id → item, in the order shown
  let total = 0; // pending quotes on the server, listed or not
  let last = null; // the last quote listed: the next page starts after it
  let working = false; // a bulk approval runs

  const heading = h('h1', { tabindex: '-1' }, t('nav.review'));
  const count = h('p', { class: 'lead review-count', hidden: true });
  const status = h('p', { class: 'review-status', role: 'status' });
  const selectAll = h('input', { type: 'checkbox', onchange: () => pickAll(selectAll.checked) });
  const bulkLabel = h('span');
  const bulk = h('button', { type: 'button', class: 'btn primary small', disabled: true, onclick: () => approveSelected() },
    icon(icons.check, { size: 16 }), bulkLabel);
  const toolbar = h('div', { class: 'review-toolbar', hidden: true },
    h('label', { class: 'review-all' }, selectAll, t('review.selectAll')), bulk);
  const list = h('ul', { class: 'quote-list review-list' });
  const state = h('div', { class: 'review-state' });
  const more = h('button', { type: 'button', class: 'btn ghost', hidden: true, onclick: () => load() }, t('common.loadMore'));
  root.append(h('section', { class: 'review page' },
    heading, count, h('p', { class: 'lead' }, t('review.lead')), toolbar, status, list, state, more));

  async function load() {
    more.disabled = true;
    replace(state, h('p', { class: 'loading', role: 'status' }, t('common.loading')));
    try {
      const { data } = await request(`/api/collections/quotes/records?${pageQuery(last)}`, { signal: aborter.signal });
      total = items.size + data.totalItems;
      if (data.items.length) last = data.items[data.items.length - 1];
      const added = data.items.filter((rec) => !items.has(rec.id)).map(addItem);
      more.hidden = data.totalItems <= data.items.length;
      replace(state);
      paint();
      lookAlikes(added, aborter.signal);
    } catch (err) {
      if (aborter.signal.aborted) return;
      replace(state, h('p', { class: 'fail' }, errorText(err)),
        h('button', { type: 'button', class: 'btn ghost small', onclick: () => load() }, icon(icons.retry, { size: 16 }), t('common.retry')));
    } finally {
      more.disabled = false;
    }
  }

  function addItem(rec) {
    const item = reviewItem(rec, {
      changed: paint,
      done: (it, key) => remove(it, t(key, { line: short(it.rec.content, 40) }), true),
      failed,
    });
    items.set(rec.id, item);
    list.append(item.li);
    return item;
  }

  // paint shows the count (the navigation's badge too), the selection, and
  // the empty state.
  function paint() {
    count.hidden = total === 0;
    count.textContent = t(total === 1 ? 'review.count.one' : 'review.count', { n: total });
    setPending(total);
    const chosen = selected();
    toolbar.hidden = items.size === 0;
    selectAll.checked = items.size > 0 && chosen.length === items.size;
    selectAll.indeterminate = chosen.length > 0 && chosen.length < items.size;
    selectAll.disabled = working;
    bulkLabel.textContent = t('review.bulk', { n: chosen.length });
    bulk.disabled = working || chosen.length === 0;
    if (!items.size && more.hidden) {
      replace(state, h('p', { class: 'empty-list review-empty' }, icon(icons.check, { size: 32 }), t('review.empty')));
    }
  }

  const selected = () => [...items.values()].filter((it) => it.checked());

  function pickAll(on) {
    items.forEach((it) => it.check(on));
    paint();
  }

  // remove takes a handled quote off the list; refocus moves the keyboard
  // on to the next quote (or the heading), as after acting on this one.
  function remove(item, note, refocus = false) {
    const next = item.li.nextElementSibling || item.li.previousElementSibling;
    item.li.remove();
    items.delete(item.rec.id);
    total = Math.max(0, total - 1);
    if (note) status.textContent = note;
    if (refocus) ((next && next.querySelector('.review-approve, button')) || heading).focus();
    paint();
    if (!items.size && !more.hidden) load();
  }

  // failed shows why a request about an item failed; a quote gone from the
  // queue (deleted, or handled by someone else) leaves it.
  function failed(item, err) {
    if (err instanceof ApiError && err.status === 404) remove(item, t('review.gone', { line: short(item.rec.content, 40) }), !working);
    else item.fail(errorText(err));
  }

  async function approveSelected() {
    const chosen = selected();
    working = true;
    chosen.forEach((it) => it.lock(true));
    paint();
    let approved = 0;
    let refused = 0;
    await eachAtOnce(chosen, APPROVALS_AT_ONCE, async (it) => {
      try {
        await request(recordPath(it.rec.id), { method: 'PATCH', body: { is_apply: true } });
        approved++;
        remove(it);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) refused++;
        it.lock(false);
        failed(it, err);
      }
    });
    working = false;
    status.textContent = [approved ? t('review.bulkDone', { n: approved }) : '', refused ? t('review.bulkFailed', { n: refused }) : '']
      .filter(Boolean).join(' ');
    paint();
    if (document.activeElement === document.body || bulk.disabled) (items.size ? selectAll : heading).focus();
  }

  load();
  return { destroy() { aborter.abort(); } };
}

// pageQuery asks for the queue, oldest first, after the quote last listed.
function pageQuery(last) {
  let filter = PENDING_FILTER;
  if (last) {
    const at = filterValue(last.created);
    filter = `(${filter}) && (created > ${at} || (created = ${at} && id > ${filterValue(last.id)}))`;
  }
  return new URLSearchParams({ filter, sort: 'created,id', perPage: String(PAGE) });
}

// reviewItem is one pending quote with its actions. on: changed() after
// the checkbox changes, done(item, messageKey) once the quote is handled,
// failed(item, err) when a request fails.
function reviewItem(rec, on) {
  const check = h('input', {
    type: 'checkbox', 'aria-label': t('review.select', { line: short(rec.content, 40) }),
    onchange: () => on.changed(),
  });
  const body = h('div', { class: 'review-body' });
  const hint = h('p', { class: 'review-hint', hidden: true });
  const error = h('p', { class: 'fail review-fail', hidden: true });
  const actions = h('div', { class: 'review-actions' });
  const li = h('li', { class: 'quote-item review-item', dataset: { id: rec.id } },
    h('div', { class: 'review-row' }, h('label', { class: 'review-pick' }, check), body), hint, error, actions);
  const item = {
    li, rec,
    checked: () => check.checked,
    check: (on) => { check.checked = on; },
    lock(on) {
      li.setAttribute('aria-busy', String(on));
      li.querySelectorAll('button, input, textarea').forEach((el) => { el.disabled = on; });
    },
    fail(text) {
      error.textContent = text;
      error.hidden = false;
    },
    hint(match) {
      replace(hint, h('span', {}, t('review.similar')), ' ',
        h('a', { href: `#/quotes/${encodeURIComponent(match.id)}` }, `“${short(match.content, 80)}”`));
      hint.hidden = false;
    },
  };

  const approveButton = h('button', { type: 'button', class: 'btn small primary review-approve' }, icon(icons.check, { size: 16 }), t('review.approve'));
  const editButton = h('button', { type: 'button', class: 'btn small ghost' }, icon(icons.edit, { size: 16 }), t('common.edit'));
  const rejectButton = h('button', { type: 'button', class: 'btn small ghost' }, t('review.reject'));

  // show draws the quote and its actions; focus names the button to return to.
  const show = (focus) => {
    replace(body, card(rec));
    replace(actions, h('div', { class: 'quote-actions' }, approveButton, editButton, rejectButton));
    if (focus) focus.focus();
  };

  // send saves a change; a form shows its errors under its fields (fallback:
  // the field for the others), the item shows them without one.
  const send = async (patch, form, fallback) => {
    error.hidden = true;
    try {
      await request(recordPath(rec.id), { method: 'PATCH', body: patch });
      return true;
    } catch (err) {
      if (form && !(err instanceof ApiError && err.status === 404)) showErrors(form, err, fallback);
      else on.failed(item, err);
      return false;
    }
  };

  approveButton.addEventListener('click', () => busy(approveButton, async () => {
    if (await send({ is_apply: true })) on.done(item, 'review.approved');
  }));

  editButton.addEventListener('click', () => {
    const save = h('button', { type: 'submit', class: 'btn primary small' }, t('review.saveApprove'));
    const cancel = h('button', { type: 'button', class: 'btn ghost small', onclick: () => show(editButton) }, t('common.cancel'));
    const form = editForm(rec, save, cancel);
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') show(editButton); });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const patch = editBody(form);
      if (patch) busy(save, async () => { if (await send(patch, form)) on.done(item, 'review.approved'); });
    });
    replace(body, form);
    replace(actions);
    form.content.focus();
  });

  rejectButton.addEventListener('click', () => {
    const submit = h('button', { type: 'submit', class: 'btn small danger' }, t('review.reject'));
    const cancel = h('button', { type: 'button', class: 'btn ghost small', onclick: () => show(rejectButton) }, t('common.cancel'));
    const form = h('form', { class: 'reject-form', novalidate: true },
      field('rejected_reason', t('review.reason'), { type: 'text', maxlength: REASON_MAX, autocomplete: 'off', required: true }, t('review.reason.hint')),
      h('div', { class: 'form-actions' }, submit, cancel));
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') show(rejectButton); });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const reason = reasonValue(form);
      if (reason) busy(submit, async () => { if (await send({ rejected_reason: reason }, form, 'rejected_reason')) on.done(item, 'review.rejected'); });
    });
    replace(actions, form);
    form.rejected_reason.focus();
  });

  show();
  return item;
}

// card is the pending line as the board sets it, with when it was suggested.
function card(rec) {
  const created = new Date(String(rec.created).replace(' ', 'T'));
  return quoteFigure(rec, {
    extra: Number.isNaN(created.getTime()) ? null
      : h('time', { datetime: created.toISOString() }, t('review.suggested', { time: formatDateTime(created) })),
  });
}

function editForm(rec, save, cancel) {
  const form = quoteForm(save, rec);
  form.querySelector('.form-actions').append(cancel);
  return form;
}

// editBody reads the edit form as an approving PATCH, or shows what is wrong.
function editBody(form) {
  const body = formBody(form);
  return body && { ...body, is_apply: true };
}

// reasonValue reads the reason of a rejection, or shows what is wrong.
function reasonValue(form) {
  clearErrors(form);
  const reason = form.rejected_reason.value.trim();
  if (!reason) localErrors(form, { rejected_reason: { code: 'validation_required' } });
  else if ([...reason].length > REASON_MAX) localErrors(form, { rejected_reason: { message: t('review.reason.long') } });
  else return reason;
  return null;
}

// lookAlikes looks, a few at a time, for an approved line close to each
// pending one, and marks the items that have one.
function lookAlikes(list, signal) {
  eachAtOnce(list, LOOKUPS_AT_ONCE, async (item) => {
    if (signal.aborted || !item.li.isConnected) return;
    try {
      const match = await closestApproved(item.rec.content, signal);
      if (match) item.hint(match);
    } catch {
      // the hint is a help, not a part of the queue: a failed lookup shows none
    }
  });
}

// closestApproved searches the approved quotes for the line's two longest
// words, then for the next two (a near copy often differs in one word), and
// returns the closest result that is close enough.
async function closestApproved(content, signal) {
  const words = longestWords(content, 4);
  for (let i = 0; i < words.length; i += 2) {
    const q = new URLSearchParams({ q: words.slice(i, i + 2).join(' '), perPage: '3' });
    const { data } = await request(`/api/quotes/search?${q}`, { signal });
    const match = closest(content, data.items || []);
    if (match) return match;
  }
  return null;
}

// closest returns the record whose content is closest to content, if close.
function closest(content, records) {
  let best = null;
  let bestScore = CLOSE;
  for (const rec of records) {
    const score = dice(content, rec.content);
    if (score >= bestScore) { best = rec; bestScore = score; }
  }
  return best;
}

// letters keeps a text's letters and digits, lower-cased.
const letters = (s) => String(s).toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

// longestWords picks up to n of the longest words (two characters or more),
// cut to 20 characters each, so the search query stays short.
function longestWords(text, n) {
  const words = new Set(text.split(/\s+/).map((w) => [...letters(w)].slice(0, 20).join('')).filter((w) => [...w].length >= 2));
  return [...words].sort((a, b) => [...b].length - [...a].length).slice(0, n);
}

// dice is the Dice coefficient of two lines' character bigrams, over their
// letters and digits only: 1 for the same line, 0 for nothing in common.
function dice(a, b) {
  const x = bigrams(letters(a));
  const y = bigrams(letters(b));
  if (!x.length || !y.length) return letters(a) === letters(b) ? 1 : 0;
  const left = new Map();
  for (const g of x) left.set(g, (left.get(g) || 0) + 1);
  let shared = 0;
  for (const g of y) {
    const n = left.get(g);
    if (n) { shared++; left.set(g, n - 1); }
  }
  return (2 * shared) / (x.length + y.length);
}

function bigrams(s) {
  const chars = [...s];
  return chars.slice(1).map((c, i) => chars[i] + c);
}

// eachAtOnce runs fn over list with at most n calls in flight.
async function eachAtOnce(list, n, fn) {
  let next = 0;
  const worker = async () => { while (next < list.length) await fn(list[next++]); };
  await Promise.all(Array.from({ length: Math.min(n, list.length) }, worker));
}

function short(text, n) {
  const chars = [...String(text).trim()];
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : chars.join('');
}

function errorText(err) {
  if (!(err instanceof ApiError)) return t('common.offline');
  const first = Object.values(err.data)[0];
  return (first && first.message) || err.message;
}
