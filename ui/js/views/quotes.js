// The quote board at #/quotes: the public list with its search first; for a
// signed-in user a second tab with their own requests, and a button that
// opens the form to suggest a line. views/quotes/ holds the parts.

import { request, session, isSuperuser, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { h, replace, icon, icons } from '../dom.js';
import { href } from '../route.js';
import { showErrors, clearErrors, formAlert, busy } from '../form.js';
import { quoteForm, formBody } from './quotes/form.js';
import { searchList } from './quotes/search.js';
import { myQuotes } from './quotes/mine.js';

/** quotesView is the quote board at #/quotes. */
export function quotesView(root) {
  const author = !!session.token && !isSuperuser(); // superusers review, they do not suggest
  const tabs = [{ id: 'approved', label: t('quotes.tab.approved'), make: searchList }];
  if (author) tabs.push({ id: 'mine', label: t('quotes.tab.mine'), make: myQuotes });
  const panels = {};
  const parts = {};
  const buttons = {};
  for (const tab of tabs) {
    panels[tab.id] = h('div', { id: `panel-${tab.id}`, class: 'panel' });
    if (tabs.length > 1) {
      panels[tab.id].setAttribute('role', 'tabpanel');
      panels[tab.id].setAttribute('aria-labelledby', `tab-${tab.id}`);
    }
  }
  const select = (id) => {
    for (const tab of tabs) {
      const on = tab.id === id;
      if (buttons[tab.id]) {
        buttons[tab.id].setAttribute('aria-selected', String(on));
        buttons[tab.id].tabIndex = on ? 0 : -1;
      }
      panels[tab.id].hidden = !on;
    }
    if (!parts[id]) parts[id] = tabs.find((x) => x.id === id).make(panels[id]);
  };
  const reload = (id) => {
    if (parts[id]) parts[id].destroy();
    parts[id] = null;
    select(id);
  };

  const notice = h('p', { class: 'form-alert success', role: 'status', hidden: true });
  const suggest = author ? suggestPanel({
    done() {
      reload('mine');
      replace(notice, t('quotes.submitted'));
      notice.hidden = false;
    },
    opened() { notice.hidden = true; },
  }) : null;
  const action = author ? suggest.toggle
    : session.token ? null : h('a', { class: 'btn ghost small', href: '#/signin' }, t('quotes.signinToSuggest'));

  root.append(h('section', { class: 'quotes page' },
    h('div', { class: 'page-head' }, h('h1', {}, t('quotes.title')), action),
    h('p', { class: 'lead' }, t(author ? 'quotes.lead' : 'quotes.lead.public')),
    suggest && suggest.panel, notice,
    tabs.length > 1 ? tabList(tabs, buttons, select) : null,
    tabs.map((tab) => panels[tab.id])));
  select('approved');

  return {
    destroy() {
      for (const part of Object.values(parts)) if (part) part.destroy();
    },
  };
}

// tabList is the tabs' row; arrow keys move between them.
function tabList(tabs, buttons, select) {
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('quotes.title') });
  for (const tab of tabs) {
    buttons[tab.id] = h('button', {
      type: 'button', role: 'tab', id: `tab-${tab.id}`, 'aria-controls': `panel-${tab.id}`,
      dataset: { tab: tab.id },
      onclick: () => select(tab.id),
    }, tab.label);
    list.append(buttons[tab.id]);
  }
  list.addEventListener('keydown', (e) => {
    const ids = tabs.map((x) => x.id);
    const i = ids.indexOf(document.activeElement.dataset.tab);
    if (i < 0) return;
    let next = null;
    if (e.key === 'ArrowRight') next = ids[(i + 1) % ids.length];
    if (e.key === 'ArrowLeft') next = ids[(i - 1 + ids.length) % ids.length];
    if (next) { e.preventDefault(); select(next); buttons[next].focus(); }
  });
  return list;
}

// suggestPanel is the button that opens the suggestion form, and the form;
// done runs after a suggestion was saved.
function suggestPanel({ done, opened }) {
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('quotes.submit'));
  const cancel = h('button', { type: 'button', class: 'btn ghost' }, t('common.cancel'));
  const form = quoteForm(submit);
  form.querySelector('.form-actions').append(cancel);
  const panel = h('section', { class: 'suggest', id: 'suggest-panel', hidden: true, 'aria-label': t('quotes.form.title') },
    h('h2', {}, t('quotes.form.title')), form);
  const toggle = h('button', {
    type: 'button', class: 'btn primary small', 'aria-expanded': 'false', 'aria-controls': 'suggest-panel',
  }, icon(icons.plus, { size: 16 }), t('quotes.form.title'));
  const show = (open) => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) {
      opened();
      form.content.focus();
    } else {
      toggle.focus();
    }
  };
  toggle.addEventListener('click', () => show(panel.hidden));
  cancel.addEventListener('click', () => show(false));
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') show(false); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = formBody(form);
    if (!body) return;
    body.user = session.user.id;
    await busy(submit, async () => {
      try {
        await request('/api/collections/quotes/records', { method: 'POST', body });
        form.reset();
        form.dispatchEvent(new Event('input'));
        show(false);
        done();
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          duplicateAlert(form, err);
          return;
        }
        showErrors(form, err);
      }
    });
  });
  return { panel, toggle };
}

// duplicateAlert says the line is already on the board, with a link to it.
function duplicateAlert(form, err) {
  const id = err.data && err.data.quote && err.data.quote.id;
  const alert = formAlert(form, t('quotes.duplicate'));
  if (id) alert.append(' ', h('a', { href: href(['quotes', id]) }, t('quotes.duplicate.open')));
}
