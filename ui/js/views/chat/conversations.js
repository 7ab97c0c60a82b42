// The user's conversations, through PocketBase's records API (the server
// makes them: a question without a conversation starts one): the most
// recent one to open first, and the list of them all — newest activity
// first, searched by title, paged — with rename, delete and export as
// Markdown on each.

import { request, filterValue, ApiError } from '../../api.js';
import { t, formatDateTime } from '../../i18n.js';
import { h, replace, icon, icons } from '../../dom.js';

const PAGE = 30;
const TYPING_PAUSE = 200; // ms after the last key before searching
const path = (id) => `/api/collections/conversations/records/${encodeURIComponent(id)}`;

/** latestConversation is the user's most recently active conversation, or null. */
export async function latestConversation() {
  const q = new URLSearchParams({ perPage: '1', sort: '-updated,-id', skipTotal: '1' });
  const { data } = await request(`/api/collections/conversations/records?${q}`);
  return data.items[0] || null;
}

/** findConversation is one of the user's conversations, or null when it is gone. */
export async function findConversation(id) {
  try {
    return (await request(path(id))).data;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) return null;
    throw err;
  }
}

/**
 * makeConversationList builds the list. current() is the id shown in the
 * chat; open(conv) shows a conversation (null: a new one); renamed(conv)
 * and removed(id) tell the chat about changes it shows. It returns {el,
 * refresh(), mark() (the conversation shown has changed), focus()}.
 */
export function makeConversationList({ current, open, renamed, removed }) {
  const search = h('input', {
    type: 'search', class: 'conv-search', placeholder: t('chat.list.search'), 'aria-label': t('chat.list.search'),
    autocomplete: 'off', maxlength: 100,
  });
  const fresh = h('button', { type: 'button', class: 'btn small primary conv-new', onclick: () => open(null) },
    icon(icons.plus, { size: 16 }), t('chat.new'));
  const ul = h('ul', { class: 'conv-items' });
  const status = h('p', { class: 'meta conv-status', role: 'status' });
  const more = h('button', { type: 'button', class: 'btn ghost small', hidden: true }, t('common.loadMore'));
  const el = h('section', { class: 'conversations', 'aria-label': t('chat.list.title') },
    h('div', { class: 'conv-head' }, h('h2', {}, t('chat.list.title')), fresh),
    search, status, ul, more);

  let page = 1;
  let seq = 0;
  let timer = null;

  async function load(append) {
    const mine = ++seq;
    const q = new URLSearchParams({ page: String(page), perPage: String(PAGE), sort: '-updated,-id', skipTotal: '1' });
    const words = search.value.trim();
    if (words) q.set('filter', `title ~ ${filterValue(words)}`);
    more.disabled = true;
    try {
      const { data } = await request(`/api/collections/conversations/records?${q}`);
      if (mine !== seq) return;
      if (!append) ul.replaceChildren();
      ul.append(...data.items.map(item));
      status.textContent = ul.children.length ? '' : t(words ? 'chat.list.none' : 'chat.list.empty');
      more.hidden = data.items.length < PAGE;
    } catch (err) {
      if (mine === seq) status.textContent = err.message || t('common.offline');
    } finally {
      more.disabled = false;
    }
  }

  function refresh() {
    page = 1;
    return load(false);
  }

  // mark shows which conversation the chat shows.
  function mark() {
    for (const li of ul.children) {
      const button = li.querySelector('.conv-open');
      if (button) button.setAttribute('aria-current', String(li.dataset.id === current()));
    }
  }

  // item is one conversation: a button that opens it, and its actions.
  function item(conv) {
    const li = h('li', { class: 'conv-item', dataset: { id: conv.id } });
    const paint = () => {
      const on = conv.id === current();
      const menu = h('details', { class: 'conv-menu' },
        h('summary', { 'aria-label': t('chat.list.actions', { title: conv.title }), title: t('chat.list.actions', { title: conv.title }) }, '⋯'),
        h('div', { class: 'conv-actions' },
          h('button', { type: 'button', class: 'btn small ghost', onclick: rename }, icon(icons.edit, { size: 16 }), t('chat.rename')),
          h('button', {
            type: 'button', class: 'btn small ghost', onclick: () => { menu.open = false; exportMarkdown(conv).catch(() => {}); },
          }, icon(icons.download, { size: 16 }), t('chat.export')),
          h('button', { type: 'button', class: 'btn small ghost', onclick: askDelete }, icon(icons.trash, { size: 16 }), t('common.delete'))));
      menu.addEventListener('keydown', (e) => { if (e.key === 'Escape') { menu.open = false; menu.querySelector('summary').focus(); } });
      // one menu open at a time
      menu.addEventListener('toggle', () => {
        if (menu.open) el.querySelectorAll('details.conv-menu[open]').forEach((d) => { if (d !== menu) d.open = false; });
      });
      replace(li,
        h('button', { type: 'button', class: 'conv-open', 'aria-current': String(on), onclick: () => open(conv) },
          h('span', { class: 'conv-title' }, conv.title || t('chat.new.title')),
          h('span', { class: 'conv-when' }, formatDateTime(new Date(String(conv.updated).replace(' ', 'T'))))),
        menu);
    };
    const rename = () => {
      const input = h('input', { type: 'text', maxlength: 100, '.value': conv.title, 'aria-label': t('chat.rename') });
      const note = h('p', { class: 'fail', role: 'alert', hidden: true });
      const form = h('form', { class: 'conv-rename' }, input,
        h('button', { type: 'submit', class: 'btn small primary' }, t('common.save')),
        h('button', { type: 'button', class: 'btn small ghost', onclick: paint }, t('common.cancel')), note);
      form.addEventListener('keydown', (e) => { if (e.key === 'Escape') paint(); });
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const title = input.value.trim();
        if (!title) { note.textContent = t('v.required'); note.hidden = false; return; }
        try {
          conv = (await request(path(conv.id), { method: 'PATCH', body: { title } })).data;
          paint();
          renamed(conv);
          li.querySelector('.conv-open').focus();
        } catch (err) {
          note.textContent = err.message || t('common.offline');
          note.hidden = false;
        }
      });
      replace(li, form);
      input.focus();
      input.select();
    };
    const askDelete = () => {
      const yes = h('button', { type: 'button', class: 'btn small danger' }, t('common.delete'));
      const ask = t('chat.list.deleteAsk', { title: conv.title || t('chat.new.title') });
      const box = h('div', { class: 'confirm', role: 'group', 'aria-label': ask },
        h('span', {}, ask), yes,
        h('button', { type: 'button', class: 'btn small ghost', onclick: paint }, t('common.cancel')));
      box.addEventListener('keydown', (e) => { if (e.key === 'Escape') paint(); });
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        try {
          await request(path(conv.id), { method: 'DELETE' });
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) {
            yes.disabled = false;
            box.append(h('span', { class: 'fail' }, err.message || t('common.offline')));
            return;
          }
        }
        li.remove();
        if (!ul.children.length) status.textContent = t('chat.list.empty');
        removed(conv.id);
      });
      replace(li, box);
      yes.focus();
    };
    paint();
    return li;
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, TYPING_PAUSE);
  });
  more.addEventListener('click', () => { page += 1; load(true); });
  refresh();
  return { el, refresh, mark, focus: () => fresh.focus() };
}

/** replaceAddress puts the conversation shown in the address (#/chat/ID), for a reload. */
export function replaceAddress(id) {
  const next = id ? `#/chat/${encodeURIComponent(id)}` : '#/chat';
  if (location.hash !== next) history.replaceState(null, '', next);
}

/**
 * placeList shows the list in the rail on a wide screen, and on a phone in
 * a drawer that button opens. It returns {close(), destroy()}.
 */
export function placeList(el, button) {
  const wide = window.matchMedia('(min-width: 900px)');
  const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.list.close'), title: t('chat.list.close') }, '✕');
  const drawer = h('dialog', { class: 'drawer', 'aria-label': t('chat.list.title') }, h('div', { class: 'drawer-head' }, close));
  const shut = () => { if (drawer.open) drawer.close(); };
  close.addEventListener('click', shut);
  drawer.addEventListener('click', (e) => { if (e.target === drawer) shut(); }); // the backdrop
  drawer.addEventListener('close', () => button.focus());
  button.addEventListener('click', () => { drawer.showModal(); });
  const mount = () => {
    const slot = document.getElementById('rail-slot');
    if (wide.matches && slot) {
      shut();
      slot.append(el);
    } else {
      drawer.append(el);
    }
  };
  document.body.append(drawer);
  mount();
  wide.addEventListener('change', mount);
  return {
    close: shut,
    destroy() {
      wide.removeEventListener('change', mount);
      el.remove();
      drawer.remove();
    },
  };
}

// exportMarkdown downloads a conversation as Markdown: its title, then each
// question and its answer with their times.
async function exportMarkdown(conv) {
  const lines = [`# ${conv.title}`, ''];
  for (let page = 1; ; page++) {
    const q = new URLSearchParams({
      page: String(page), perPage: '200', sort: 'created,id', expand: 'reply', skipTotal: '1',
      filter: `conversation = ${filterValue(conv.id)} && role = 'user'`,
    });
    const { data } = await request(`/api/collections/chats/records?${q}`);
    for (const rec of data.items) {
      lines.push(`**${t('chat.export.me')}** · ${formatDateTime(new Date(String(rec.created).replace(' ', 'T')))}`, '', rec.content, '');
      const reply = rec.expand && rec.expand.reply;
      if (reply) lines.push(`**stovebot** · ${formatDateTime(new Date(String(reply.created).replace(' ', 'T')))}`, '', reply.content, '');
      lines.push('---', '');
    }
    if (data.items.length < 200) break;
  }
  const url = URL.createObjectURL(new Blob([lines.join('\n')], { type: 'text/markdown;charset=utf-8' }));
  const link = h('a', { href: url, download: `${fileName(conv.title)}.md`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// fileName makes a title safe as a file name.
function fileName(title) {
  const name = String(title).replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return name || 'stovebot';
}
