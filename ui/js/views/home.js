// The front page for guests at #/home: what stovebot is in one sentence, the
// line of the day, a search box into the board, a few speakers to browse,
// and the way to sign up to ask the bot.

import { request, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { h, replace, icon, icons } from '../dom.js';
import { href } from '../route.js';
import { quoteFigure } from './quotes/form.js';

const SPEAKERS = 6; // speakers offered to browse

/** homeView is the front page. */
export function homeView(root) {
  const q = h('input', {
    type: 'search', name: 'q', id: 'home-q', maxlength: 200, autocomplete: 'off',
    enterkeyhint: 'search', placeholder: t('search.placeholder'),
  });
  const search = h('form', { class: 'home-search', role: 'search', 'aria-label': t('search.label') },
    h('label', { for: 'home-q', class: 'sr-only' }, t('search.label')),
    h('div', { class: 'search-box' }, icon(icons.search, { size: 18 }), q),
    h('button', { type: 'submit', class: 'btn primary' }, t('search.submit')));
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = href('quotes', { q: q.value.trim() });
  });

  const today = h('section', { class: 'today', 'aria-labelledby': 'today-title' },
    h('h2', { id: 'today-title' }, t('home.today')),
    h('p', { class: 'loading', role: 'status' }, t('common.loading')));
  const speakers = h('section', { class: 'home-speakers', 'aria-labelledby': 'speakers-title', hidden: true },
    h('h2', { id: 'speakers-title' }, t('home.speakers')));

  root.append(h('section', { class: 'home page' },
    h('div', { class: 'hero' },
      h('h1', {}, t('home.what')),
      h('p', { class: 'lead' }, t('home.lead')),
      search),
    today,
    speakers,
    h('section', { class: 'join' },
      h('h2', {}, t('home.join.title')),
      h('p', {}, t('home.join.lead')),
      h('p', { class: 'join-actions' },
        h('a', { class: 'btn primary', href: '#/signup' }, t('home.join.signup')),
        h('a', { href: '#/signin' }, t('home.join.signin'))))));

  loadToday(today);
  loadSpeakers(speakers);
}

async function loadToday(box) {
  const title = box.firstChild;
  try {
    const { data } = await request('/api/quotes/today');
    replace(box, title, quoteFigure(data, { link: true }),
      h('p', { class: 'today-more' }, h('a', { href: href(['quotes', data.id]) }, t('home.today.open'))));
  } catch (err) {
    const none = err instanceof ApiError && err.status === 404;
    replace(box, title, h('p', { class: none ? 'empty-list' : 'fail' }, t(none ? 'home.today.none' : 'common.offline')));
  }
}

async function loadSpeakers(box) {
  try {
    const { data } = await request('/api/quotes/search?perPage=1');
    const top = (data.speakers || []).slice(0, SPEAKERS);
    if (!top.length) return;
    box.append(h('ul', { class: 'chips' }, top.map((s) => h('li', {},
      h('a', { class: 'chip', href: href('quotes', { speaker: s.name }) },
        s.name, h('span', { class: 'chip-count' }, String(s.count)))))));
    box.hidden = false;
  } catch {
    // the list of speakers is a shortcut; the search box remains
  }
}
