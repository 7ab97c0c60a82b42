// "My requests": the signed-in author's own quotes, newest first, paged by a
// cursor. Pending and rejected ones can be edited (which sends a rejected
// one back to pending) and deleted; approved ones are read-only.

import { request, session, filterValue, ApiError } from '../../api.js';
import { t } from '../../i18n.js';
import { h, replace, icon, icons } from '../../dom.js';
import { showErrors, clearErrors, busy } from '../../form.js';
import { quoteForm, formBody, quoteFigure } from './form.js';

const PAGE = 10;

/** myQuotes fills panel with the author's quotes; it returns {destroy}. */
export function myQuotes(panel) {
  let disposed = false;
  const ul = h('ul', { class: 'quote-list' });
  const more = h('button', { type: 'button', class: 'btn ghost', hidden: true }, t('common.loadMore'));
  const status = h('p', { class: 'loading', role: 'status' }, t('common.loading'));
  replace(panel, status, ul, more);
  // pages follow a cursor (the last quote shown), so a deletion meanwhile
  // neither repeats nor skips one
  let last = null;
  const load = async () => {
    more.disabled = true;
    try {
      let filter = `user = ${filterValue(session.user.id)}`;
      if (last) {
        const v = filterValue(last.created);
        filter += ` && (created < ${v} || (created = ${v} && id < ${filterValue(last.id)}))`;
      }
      const q = new URLSearchParams({ perPage: String(PAGE), skipTotal: '1', sort: '-created,-id', filter });
      const { data } = await request(`/api/collections/quotes/records?${q}`);
      if (disposed) return;
      if (data.items.length) last = data.items[data.items.length - 1];
      for (const rec of data.items) ul.append(myItem(rec));
      more.hidden = data.items.length < PAGE;
      status.remove();
      if (!ul.children.length) panel.prepend(h('p', { class: 'empty-list' }, t('quotes.empty.mine')));
    } catch (err) {
      replace(status, h('span', { class: 'fail' }, err.message || t('common.offline')));
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', load);
  load();
  return { destroy() { disposed = true; } };
}

function stateOf(rec) {
  if (rec.is_apply) return 'approved';
  return rec.rejected_reason ? 'rejected' : 'pending';
}

function myItem(rec) {
  const li = h('li', { class: 'quote-item', dataset: { id: rec.id } });
  const paint = () => {
    const state = stateOf(rec);
    const badge = h('span', { class: `badge ${state}` }, t(`quotes.${state}`));
    replace(li,
      quoteFigure(rec, { link: state === 'approved', extra: badge }),
      state === 'rejected' ? h('p', { class: 'reject-reason' }, t('quotes.rejectedBecause', { reason: rec.rejected_reason })) : null,
      state === 'approved' ? null : h('div', { class: 'quote-actions' },
        h('button', { type: 'button', class: 'btn small ghost', onclick: edit }, icon(icons.edit, { size: 16 }), t('common.edit')),
        h('button', { type: 'button', class: 'btn small ghost', onclick: askDelete }, icon(icons.trash, { size: 16 }), t('common.delete'))));
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
          const first = li.querySelector('button');
          if (first) first.focus();
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
    replace(li.querySelector('.quote-actions'), box);
    yes.focus();
  };
  paint();
  return li;
}
