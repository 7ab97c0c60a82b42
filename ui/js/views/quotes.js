// The quote board: approved quotes, my requests (pending ones editable and
// deletable), and the form to suggest a line.

import { request, session, filterValue, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { h, replace, icon, icons } from '../dom.js';
import { field, showErrors, localErrors, clearErrors, busy } from '../form.js';

const PAGE = 10;
const MAX = 500;

/** quotesView is the quote board at #/quotes. */
export function quotesView(root) {
  let disposed = false;
  const tabs = [
    { id: 'approved', label: t('quotes.tab.approved') },
    { id: 'mine', label: t('quotes.tab.mine') },
  ];
  const panels = {};
  const tabButtons = {};
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('quotes.title') });
  for (const tab of tabs) {
    tabButtons[tab.id] = h('button', {
      type: 'button', role: 'tab', id: `tab-${tab.id}`, 'aria-controls': `panel-${tab.id}`,
      dataset: { tab: tab.id },
      onclick: () => select(tab.id),
    }, tab.label);
    tablist.append(tabButtons[tab.id]);
    panels[tab.id] = h('div', { role: 'tabpanel', id: `panel-${tab.id}`, 'aria-labelledby': `tab-${tab.id}`, class: 'panel' });
  }
  tablist.addEventListener('keydown', (e) => {
    const ids = tabs.map((x) => x.id);
    const i = ids.indexOf(document.activeElement.dataset.tab);
    if (i < 0) return;
    let next = null;
    if (e.key === 'ArrowRight') next = ids[(i + 1) % ids.length];
    if (e.key === 'ArrowLeft') next = ids[(i - 1 + ids.length) % ids.length];
    if (next) { e.preventDefault(); select(next); tabButtons[next].focus(); }
  });

  const lists = {};
  function select(id) {
    for (const tab of tabs) {
      const on = tab.id === id;
      tabButtons[tab.id].setAttribute('aria-selected', String(on));
      tabButtons[tab.id].tabIndex = on ? 0 : -1;
      panels[tab.id].hidden = !on;
    }
    if (!lists[id]) lists[id] = pagedList(panels[id], id);
  }

  // ---- the form ----------------------------------------------------------
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('quotes.submit'));
  const form = quoteForm(submit);
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
        lists.mine = null;
        replace(panels.mine);
        select('mine');
        replace(notice, t('quotes.submitted'));
        notice.hidden = false;
        if (!wide()) {
          // on a phone the folded form makes room for the list
          details.open = false;
          notice.scrollIntoView({ block: 'start', behavior: 'instant' });
        }
      } catch (err) {
        showErrors(form, err);
      }
    });
  });

  const wide = () => window.matchMedia('(min-width: 700px)').matches;
  const details = h('details', { class: 'suggest', open: wide() || null },
    h('summary', {}, t('quotes.form.title')), form);
  const notice = h('p', { class: 'form-alert success', role: 'status', hidden: true });
  form.addEventListener('input', () => { notice.hidden = true; });
  root.append(h('section', { class: 'quotes page' },
    h('h1', {}, t('quotes.title')),
    h('p', { class: 'lead' }, t('quotes.lead')),
    details, notice, tablist, panels.approved, panels.mine));
  select('approved');

  // ---- lists -------------------------------------------------------------
  function pagedList(panel, kind) {
    const ul = h('ul', { class: 'quote-list' });
    const more = h('button', { type: 'button', class: 'btn ghost', hidden: true }, t('common.loadMore'));
    const status = h('p', { class: 'loading', role: 'status' }, t('common.loading'));
    replace(panel, status, ul, more);
    // pages follow a cursor (the last quote shown), so a deletion or a new
    // approval meanwhile neither repeats nor skips one
    const field = kind === 'approved' ? 'applied_at' : 'created';
    let last = null;
    const load = async () => {
      more.disabled = true;
      try {
        let filter = kind === 'approved' ? 'is_apply = true' : `user = ${filterValue(session.user.id)}`;
        if (last) {
          const v = filterValue(last[field]);
          filter += ` && (${field} < ${v} || (${field} = ${v} && id < ${filterValue(last.id)}))`;
        }
        const q = new URLSearchParams({ perPage: String(PAGE), skipTotal: '1', sort: `-${field},-id`, filter });
        const { data } = await request(`/api/collections/quotes/records?${q}`);
        if (disposed) return;
        if (data.items.length) last = data.items[data.items.length - 1];
        for (const rec of data.items) ul.append(quoteItem(rec, kind));
        more.hidden = data.items.length < PAGE;
        status.remove();
        if (!ul.children.length) {
          panel.prepend(h('p', { class: 'empty-list' }, t(kind === 'approved' ? 'quotes.empty.approved' : 'quotes.empty.mine')));
        }
      } catch (err) {
        replace(status, h('span', { class: 'fail' }, err.message || t('common.offline')));
      } finally {
        more.disabled = false;
      }
    };
    more.addEventListener('click', load);
    load();
    return { load };
  }

  function quoteItem(rec, kind) {
    const li = h('li', { class: 'quote-item', dataset: { id: rec.id } });
    const paint = () => {
      const pending = !rec.is_apply;
      const meta = [rec.speaker, rec.episode ? t('quotes.episodeN', { n: rec.episode }) : ''].filter(Boolean).join(' · ');
      const actions = kind === 'mine' && pending ? h('div', { class: 'quote-actions' },
        h('button', { type: 'button', class: 'btn small ghost', onclick: () => edit() }, icon(icons.edit, { size: 16 }), t('common.edit')),
        h('button', { type: 'button', class: 'btn small ghost', onclick: () => askDelete() }, icon(icons.trash, { size: 16 }), t('common.delete'))) : null;
      replace(li,
        h('figure', { class: 'quote-card' },
          h('blockquote', {}, h('p', {}, rec.content)),
          h('figcaption', {},
            meta ? h('span', {}, meta) : null,
            kind === 'mine' ? h('span', { class: `badge ${pending ? 'pending' : 'approved'}` }, t(pending ? 'quotes.pending' : 'quotes.approved')) : null)),
        actions);
    };
    const edit = () => {
      const save = h('button', { type: 'submit', class: 'btn primary small' }, t('common.save'));
      const f = quoteForm(save, rec);
      const cancel = h('button', { type: 'button', class: 'btn ghost small', onclick: () => paint() }, t('common.cancel'));
      f.querySelector('.form-actions').append(cancel);
      f.addEventListener('keydown', (e) => { if (e.key === 'Escape') paint(); });
      f.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(f);
        const body = formBody(f);
        if (!body) return;
        await busy(save, async () => {
          try {
            const { data } = await request(`/api/collections/quotes/records/${encodeURIComponent(rec.id)}`, { method: 'PATCH', body });
            rec = data;
            paint();
            li.querySelector('button') && li.querySelector('button').focus();
          } catch (err) {
            if (err instanceof ApiError && (err.status === 404 || err.status === 403)) err.message = t('quotes.readonly');
            showErrors(f, err);
          }
        });
      });
      replace(li, f);
      f.querySelector('textarea').focus();
    };
    const askDelete = () => {
      const yes = h('button', { type: 'button', class: 'btn small danger' }, t('common.delete'));
      const no = h('button', { type: 'button', class: 'btn small ghost', onclick: () => paint() }, t('common.cancel'));
      const box = h('div', { class: 'confirm', role: 'group', 'aria-label': t('quotes.delete.ask') },
        h('span', {}, t('quotes.delete.ask')), yes, no);
      box.addEventListener('keydown', (e) => { if (e.key === 'Escape') paint(); });
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        try {
          await request(`/api/collections/quotes/records/${encodeURIComponent(rec.id)}`, { method: 'DELETE' });
          li.remove();
        } catch (err) {
          yes.disabled = false;
          box.append(h('span', { class: 'fail' }, err.status === 404 || err.status === 403 ? t('quotes.readonly') : err.message));
        }
      });
      const actions = li.querySelector('.quote-actions');
      replace(actions, box);
      yes.focus();
    };
    paint();
    return li;
  }

  return { destroy() { disposed = true; } };
}

function quoteForm(submit, rec = null) {
  const count = h('span', { class: 'counter' });
  const form = h('form', { class: 'quote-form', novalidate: true },
    field('content', t('quotes.content'), { tag: 'textarea', rows: 3, maxlength: MAX, required: true, '.value': rec ? rec.content : '' }),
    h('div', { class: 'row' },
      field('speaker', t('quotes.speaker'), { type: 'text', maxlength: 50, '.value': rec ? rec.speaker || '' : '' }),
      field('episode', t('quotes.episode'), { type: 'number', min: 1, inputmode: 'numeric', '.value': rec && rec.episode ? String(rec.episode) : '' })),
    h('div', { class: 'form-actions' }, submit, count));
  const paint = () => { count.textContent = `${[...form.content.value].length}/${MAX}`; };
  form.addEventListener('input', paint);
  paint();
  return form;
}

function formBody(form) {
  const content = form.content.value.trim();
  const speaker = form.speaker.value.trim();
  const ep = form.episode.value.trim();
  const errs = {};
  if (!content) errs.content = { code: 'validation_required' };
  if (ep && !(Number.isInteger(Number(ep)) && Number(ep) >= 1)) errs.episode = { code: 'x', message: t('v.number') };
  if (localErrors(form, errs)) return null;
  return { content, speaker, episode: ep ? Number(ep) : null };
}
