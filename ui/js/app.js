// The app shell: the hash router, the navigation (a rail on desktop, a top
// bar and a tab bar on phones) and the quota pill. It redraws the page when
// the language switch (lang-switch.js) changes the language.

import { session, refreshSession, onSessionChange } from './api.js';
import { t, onLangChange } from './i18n.js';
import { h, replace, icon, icons, logo } from './dom.js';
import { quota, loadQuota, onQuota, pillText, resetQuota } from './quota.js';
import { languageSwitch } from './lang-switch.js';
import { signinView, signupView, forgotView } from './views/auth.js';
import { chatView } from './views/chat.js';
import { quotesView } from './views/quotes.js';
import { profileView } from './views/profile.js';

const routes = {
  signin: { view: signinView, title: 'auth.signin.title', guest: true },
  signup: { view: signupView, title: 'auth.signup.title', guest: true },
  forgot: { view: forgotView, title: 'auth.forgot.title', guest: true },
  chat: { view: chatView, title: 'nav.chat' },
  quotes: { view: quotesView, title: 'nav.quotes' },
  profile: { view: profileView, title: 'nav.profile' },
};
const navItems = [
  ['chat', 'nav.chat', icons.chat],
  ['quotes', 'nav.quotes', icons.quote],
  ['profile', 'nav.profile', icons.user],
];

const app = document.getElementById('app');
let current = null; // {name, view}

function quotaPill() {
  const pill = h('span', { class: 'quota-pill', 'data-testid': 'quota-pill' });
  const paint = () => {
    pill.textContent = pillText(quota);
    pill.classList.toggle('zero', !!quota && quota.remaining === 0);
  };
  paint();
  onQuota(paint);
  return pill;
}

function quotaCard() {
  const value = h('strong', { class: 'quota-value' });
  const detail = h('span', { class: 'quota-detail' });
  const card = h('section', { class: 'quota-card', 'aria-label': t('quota.card.title') },
    h('span', { class: 'quota-label' }, t('quota.card.title')), value, detail);
  const paint = () => {
    value.textContent = quota ? `${quota.remaining} / ${quota.limit}` : '–';
    detail.textContent = pillText(quota);
    card.classList.toggle('zero', !!quota && quota.remaining === 0);
  };
  paint();
  onQuota(paint);
  return card;
}

function navLinks(cls) {
  return h('ul', { class: cls }, navItems.map(([name, label, paths]) => h('li', {},
    h('a', {
      href: `#/${name}`,
      'aria-current': current && current.name === name ? 'page' : null,
      dataset: { nav: name },
    }, icon(paths), h('span', {}, t(label))))));
}

function shell(guest) {
  if (guest) {
    return h('div', { class: 'shell guest' },
      h('main', { id: 'main', tabindex: '-1' }));
  }
  return h('div', { class: 'shell' },
    h('aside', { class: 'rail' },
      h('a', { href: '#/chat', class: 'brand', 'aria-label': 'stovebot' }, logo()),
      h('nav', { 'aria-label': t('nav.main') }, navLinks('rail-nav')),
      h('div', { class: 'rail-foot' }, quotaCard(), languageSwitch())),
    h('header', { class: 'topbar' },
      h('a', { href: '#/chat', class: 'brand', 'aria-label': 'stovebot' }, logo()),
      quotaPill(),
      languageSwitch()),
    h('main', { id: 'main', tabindex: '-1' }),
    h('nav', { class: 'tabbar', 'aria-label': t('nav.main') }, navLinks('tab-nav')));
}

function routeName() {
  return location.hash.replace(/^#\/?/, '').split(/[?/]/)[0];
}

/** render draws the view of the current hash; keep says "same page, new language". */
function render(keep = false) {
  let name = routeName();
  const signedIn = !!session.token;
  if (!routes[name]) name = signedIn ? 'chat' : 'signin';
  if (!signedIn && !routes[name].guest) name = 'signin';
  if (signedIn && routes[name].guest) name = 'chat';
  if (`#/${name}` !== location.hash) {
    history.replaceState(null, '', `#/${name}`);
  }
  if (current && current.view && current.view.destroy) current.view.destroy();
  current = { name };
  const route = routes[name];
  replace(app, shell(!!route.guest));
  document.title = `${t(route.title)} · stovebot`;
  const main = document.getElementById('main');
  current.view = route.view(main) || null;
  if (!keep) {
    const heading = main.querySelector('h1');
    if (heading && document.activeElement === document.body) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
  if (signedIn && !quota) loadQuota().catch(() => {});
}

onSessionChange(() => {
  if (!session.token) resetQuota();
  const name = routeName();
  const guestPage = routes[name] && routes[name].guest;
  if (!!session.token === !!guestPage || !routes[name]) render();
});

window.addEventListener('hashchange', () => render());
onLangChange(() => render(true));

async function boot() {
  if (session.token) await refreshSession();
  // a refused refresh has already drawn the sign-in page (with its notice)
  if (!current) render();
}

boot();
