// Personal API keys on the profile: create one (shown once, with examples
// for curl and the OpenAI SDKs), the list with last use, and delete with
// one inline confirmation. The keys themselves live on the server only;
// the list shows their prefix.

import { request, session, ApiError } from '../../api.js';
import { t, lang, formatDateTime } from '../../i18n.js';
import { h, replace, icon, icons } from '../../dom.js';
import { field, showErrors, localErrors, clearErrors, busy } from '../../form.js';
import { copyText } from '../../clipboard.js';
import { quota, onQuota } from '../../quota.js';
import { examples } from './examples.js';

/** MAX_KEYS is the server's limit of keys per user. */
export const MAX_KEYS = 10;

// The key just created, kept in memory while its page is drawn again (a
// language switch), forgotten once the reader leaves the profile.
let fresh = null;

/** keysSection draws the API keys into box; it returns {destroy}. */
export function keysSection(box) {
  const owner = session.user && session.user.id;
  let keys = [];
  let disposed = false;

  const count = h('p', { class: 'meta key-count' });
  const list = h('ul', { class: 'key-list' });
  const status = h('p', { class: 'loading', role: 'status' }, t('common.loading'));
  const freshSlot = h('div', { class: 'fresh-slot' });
  const full = h('p', { class: 'key-full', role: 'note', hidden: true }, t('keys.full', { max: MAX_KEYS }));
  const form = createForm();
  const howto = h('details', { class: 'key-howto' },
    h('summary', {}, t('keys.howto')),
    examples(t('keys.placeholder')));

  replace(box,
    h('p', { class: 'meta' }, t('keys.lead')),
    freshSlot, form, full,
    h('div', { class: 'key-list-head' }, h('h3', {}, t('keys.list')), count),
    status, list, howto);

  const paint = () => {
    replace(list, keys.map((k) => keyItem(k)));
    count.textContent = t('keys.count', { n: keys.length, max: MAX_KEYS });
    status.hidden = keys.length > 0;
    if (!keys.length) replace(status, t('keys.empty'));
    status.className = keys.length ? 'loading' : 'empty-list';
    const atLimit = keys.length >= MAX_KEYS;
    full.hidden = !atLimit;
    form.hidden = atLimit;
    howto.hidden = !keys.length || !!fresh;
  };

  const load = async () => {
    replace(status, t('common.loading'));
    status.hidden = false;
    try {
      const q = new URLSearchParams({ sort: '-created', perPage: '50', skipTotal: '1' });
      const { data } = await request(`/api/collections/api_keys/records?${q}`);
      if (disposed) return;
      keys = data.items || [];
      paint();
    } catch (err) {
      if (disposed) return;
      status.className = 'fail';
      replace(status, err.message || t('common.offline'), ' ',
        h('button', { type: 'button', class: 'btn small', onclick: load }, t('common.retry')));
    }
  };

  // ---- create --------------------------------------------------------------
  function createForm() {
    const submit = h('button', { type: 'submit', class: 'btn primary' }, icon(icons.plus, { size: 18 }), t('keys.create'));
    const f = h('form', { class: 'key-form', novalidate: true },
      h('div', { class: 'key-fields' },
        field('name', t('keys.name'), { type: 'text', maxlength: 50, autocomplete: 'off', spellcheck: 'false', placeholder: t('keys.name.placeholder') }),
        field('expires', t('keys.expires'), { type: 'date', min: today() }, t('keys.expires.hint'))),
      h('div', { class: 'form-actions' }, submit));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const name = f.name.value.trim();
      const expires = f.expires.value;
      if (localErrors(f, name ? {} : { name: { code: 'validation_required' } })) return;
      if (expires && expires < today()) {
        localErrors(f, { expires: { message: t('keys.expires.past') } });
        return;
      }
      await busy(submit, async () => {
        let data;
        try {
          ({ data } = await request('/api/keys', { method: 'POST', body: expires ? { name, expires } : { name } }));
        } catch (err) {
          showErrors(f, err);
          // a refusal without a field is the limit: the list shows why
          if (err instanceof ApiError && err.status === 400 && !Object.keys(err.data).length) load();
          return;
        }
        if (disposed) return;
        const { key, ...rec } = data;
        fresh = { owner, key, rec };
        keys = [rec, ...keys.filter((k) => k.id !== rec.id)];
        f.reset();
        paint();
        showFresh(true);
      });
    });
    return f;
  }

  // ---- the new key, once -----------------------------------------------------
  function showFresh(focus = false) {
    if (!fresh || fresh.owner !== owner) {
      fresh = null;
      replace(freshSlot);
      return;
    }
    const said = h('span', { class: 'copied', role: 'status' });
    const heading = h('h3', { tabindex: '-1', id: 'fresh-key-title' }, t('keys.fresh.title', { name: fresh.rec.name }));
    const done = h('button', { type: 'button', class: 'btn small', onclick: () => {
      fresh = null;
      replace(freshSlot);
      paint();
      const next = form.hidden ? list.querySelector('.key-delete') : form.querySelector('input');
      if (next) next.focus();
    } }, t('keys.fresh.done'));
    replace(freshSlot, h('section', { class: 'fresh-key', 'aria-labelledby': 'fresh-key-title' },
      heading,
      h('p', { class: 'fresh-note' }, t('keys.fresh.note')),
      h('div', { class: 'key-box' },
        h('code', { class: 'key-value', 'data-testid': 'new-key' }, fresh.key),
        h('button', {
          type: 'button', class: 'btn small primary',
          onclick: async () => {
            const ok = await copyText(fresh ? fresh.key : '');
            said.textContent = t(ok ? 'keys.copied' : 'keys.copyFailed');
          },
        }, icon(icons.copy, { size: 16 }), t('keys.copy'))),
      said,
      h('h4', {}, t('keys.examples')),
      examples(fresh.key),
      h('div', { class: 'form-actions' }, done)));
    if (focus) heading.focus();
  }

  // ---- one key ---------------------------------------------------------------
  function keyItem(k) {
    const li = h('li', { class: 'key-item', dataset: { id: k.id } });
    const expired = k.expires && parseDate(k.expires) <= new Date();
    const paintItem = () => {
      const del = h('button', { type: 'button', class: 'btn small ghost key-delete', 'aria-label': t('keys.delete.label', { name: k.name }) },
        icon(icons.trash, { size: 16 }), h('span', { 'aria-hidden': 'true' }, t('common.delete')));
      del.addEventListener('click', ask);
      replace(li,
        h('div', { class: 'key-main' },
          h('p', { class: 'key-name' }, h('strong', {}, k.name), expired ? h('span', { class: 'badge rejected' }, t('keys.expired')) : null),
          h('p', { class: 'key-prefix' }, h('code', {}, `${k.prefix}…`)),
          h('p', { class: 'key-meta meta' },
            h('span', {}, t('keys.created', { when: formatDate(k.created) })),
            h('span', {}, k.expires ? t(expired ? 'keys.expiredOn' : 'keys.expiresOn', { when: lastDay(k.expires) }) : t('keys.noExpiry')),
            h('span', {}, k.last_used ? t('keys.lastUsed', { when: formatDateTime(parseDate(k.last_used)) }) : t('keys.neverUsed')))),
        h('div', { class: 'key-actions' }, del));
      return del;
    };
    const ask = () => {
      const yes = h('button', { type: 'button', class: 'btn small danger' }, t('keys.delete.confirm'));
      const no = h('button', { type: 'button', class: 'btn small ghost' }, t('common.cancel'));
      const question = t('keys.delete.ask', { name: k.name });
      const confirm = h('div', { class: 'confirm key-confirm', role: 'group', 'aria-label': question },
        h('span', {}, question), yes, no);
      const cancel = () => paintItem().focus();
      no.addEventListener('click', cancel);
      confirm.addEventListener('keydown', (e) => { if (e.key === 'Escape') cancel(); });
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        try {
          await request(`/api/collections/api_keys/records/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) {
            yes.disabled = false;
            const old = confirm.querySelector('.fail');
            if (old) old.remove();
            confirm.append(h('span', { class: 'fail', role: 'alert' }, err.message || t('common.offline')));
            return;
          }
        }
        keys = keys.filter((x) => x.id !== k.id);
        if (fresh && fresh.rec.id === k.id) {
          fresh = null;
          replace(freshSlot);
        }
        const next = li.nextElementSibling || li.previousElementSibling;
        paint();
        const target = next && list.querySelector(`[data-id="${next.dataset.id}"] .key-delete`);
        (target || form.querySelector('input') || count).focus();
      });
      replace(li.querySelector('.key-actions'), confirm);
      yes.focus();
    };
    paintItem();
    return li;
  }

  // the days of expiry are the server's: say them again once its zone is known
  let zone = serverZone();
  const stopQuota = onQuota(() => {
    if (zone === serverZone()) return;
    zone = serverZone();
    if (keys.length) paint();
  });

  showFresh();
  load();
  return {
    destroy() {
      disposed = true;
      stopQuota();
      // a language switch draws the profile again: keep the new key for it
      const again = /^#\/profile\/?$/.test(location.hash) && session.user && session.user.id === owner;
      if (!again) fresh = null;
    },
  };
}

// parseDate reads PocketBase's "2026-12-07 13:40:00.000Z" and RFC 3339 alike.
function parseDate(s) {
  return s instanceof Date ? s : new Date(String(s).replace(' ', 'T'));
}

// formatDate says a day in the reader's language: "Dec 7, 2026".
function formatDate(s, timeZone) {
  return new Intl.DateTimeFormat(lang() === 'ko' ? 'ko-KR' : 'en', { year: 'numeric', month: 'short', day: 'numeric', timeZone }).format(parseDate(s));
}

// serverZone is the zone the server counts days in, once the quota told it.
function serverZone() {
  return (quota && quota.timezone) || undefined;
}

// lastDay is the last day a key works: an expiry chosen as a day ends at
// the next midnight of the server's zone, so the day before that moment.
function lastDay(expires) {
  return formatDate(new Date(parseDate(expires).getTime() - 1000), serverZone());
}

// today is the first day an expiry may name, as YYYY-MM-DD in the server's zone.
function today() {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: serverZone() }).format(new Date());
}
