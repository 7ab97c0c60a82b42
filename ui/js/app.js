// The app shell: the hash router, the navigation (a rail on desktop, a top
// bar and a tab bar on phones) and the quota pill. It redraws the page when
// the language switch (lang-switch.js) changes the language.

import { session, refreshSession, onSessionChange, isSuperuser, isStaff, hasNotice } from './api.js';
import { t, onLangChange } from './i18n.js';
import { h, replace, icon, icons, logo } from './dom.js';
import { quota, loadQuota, onQuota, pillText, resetQuota } from './quota.js';
import { pendingCount, onPending, refreshPending } from './pending.js';
import { currentRoute } from './route.js';
import { languageSwitch } from './lang-switch.js';
import { signinView, signupView, forgotView } from './views/auth.js';
import { homeView } from './views/home.js';
import { chatView } from './views/chat.js';
import { quotesView } from './views/quotes.js';
import { quoteView } from './views/quote.js';
import { reviewView } from './views/review.js';
import { profileView } from './views/profile.js';

// who may open a route: 'guest' (signed out), 'anyone', 'user' (a users
// account: the chat needs one) or 'staff' (moderators and superusers).
// card: a sign-in card alone on the page, without the navigation.
const routes = {
  home: { view: homeView, title: 'home.title', who: 'guest' },
  signin: { view: signinView, title: 'auth.signin.title', who: 'guest', card: true },
  signup: { view: signupView, title: 'auth.signup.title', who: 'guest', card: true },
  forgot: { view: forgotView, title: 'auth.forgot.title', who: 'guest', card: true },
  chat: { view: chatView, title: 'nav.chat', who: 'user' },
  quotes: { view: quotesView, title: 'nav.quotes', who: 'anyone' },
  quote: { view: quoteView, title: 'quote.title', who: 'anyone' }, // #/quotes/ID
  review: { view: reviewView, title: 'nav.review', who: 'staff' },
  profile: { view: profileView, title: 'nav.profile', who: 'user' },
};
const navItems = [
  ['chat', 'nav.chat', icons.chat],
  ['quotes', 'nav.quotes', icons.quote],
  ['review', 'nav.review', icons.check],
  ['profile', 'nav.profile', icons.user],
];

function allowed(route) {
  switch (route.who) {
    case 'guest': return !session.token;
    case 'user': return !!session.token && !isSuperuser();
    case 'staff': return !!session.token && isStaff();
    default: return true;
  }
}

// landing is where a visitor goes when the address names no page they may see.
function landing() {
  if (!session.token) return hasNotice() ? 'signin' : 'home';
  return isSuperuser() ? 'review' : 'chat';
}

const app = document.getElementById('app');
let current = null; // {name, view, signedIn}
let wanted = null; // the address a guest asked for before signing in
let shellSubscriptions = [];

function quotaPill() {
  const pill = h('span', { class: 'quota-pill', 'data-testid': 'quota-pill' });
  const paint = () => {
    pill.textContent = pillText(quota);
    pill.classList.toggle('zero', !!quota && quota.remaining === 0);
  };
  paint();
  shellSubscriptions.push(onQuota(paint));
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
  shellSubscriptions.push(onQuota(paint));
  return card;
}

// pendingBadge is the review queue's size beside its navigation item.
function pendingBadge() {
  const badge = h('span', { class: 'nav-count', hidden: true });
  const paint = () => {
    badge.hidden = !pendingCount;
    badge.textContent = pendingCount > 99 ? '99+' : String(pendingCount || '');
    badge.setAttribute('aria-label', t('review.badge', { n: pendingCount || 0 }));
  };
  paint();
  shellSubscriptions.push(onPending(paint));
  return badge;
}

function navLinks(cls) {
  const items = navItems.filter(([name]) => allowed(routes[name]));
  return h('ul', { class: cls }, items.map(([name, label, paths]) => h('li', {},
    h('a', {
      href: `#/${name}`,
      'aria-current': current && (current.name === name || (current.name === 'quote' && name === 'quotes')) ? 'page' : null,
      dataset: { nav: name },
    }, icon(paths), h('span', {}, t(label)), name === 'review' ? pendingBadge() : null))));
}

// visitorBar is a guest's header on the front page and the quote board:
// the way home, the board, the language, and the ways in.
function visitorBar() {
  return h('header', { class: 'visitor-bar' },
    h('a', { href: '#/', class: 'brand', 'aria-label': 'stovebot' }, logo()),
    h('nav', { class: 'visitor-nav', 'aria-label': t('nav.main') },
      h('a', { href: '#/quotes', 'aria-current': current.name === 'quotes' || current.name === 'quote' ? 'page' : null }, t('nav.quotes'))),
    languageSwitch(),
    h('a', { href: '#/signin', class: 'btn ghost small' }, t('auth.signin.title')),
    h('a', { href: '#/signup', class: 'btn primary small' }, t('home.signup')));
}

function shell(route) {
  if (route.card) {
    return h('div', { class: 'shell guest' },
      h('main', { id: 'main', tabindex: '-1' }));
  }
  if (!session.token) {
    return h('div', { class: 'shell visitor' },
      visitorBar(),
      h('main', { id: 'main', tabindex: '-1' }));
  }
  const user = !isSuperuser();
  const home = `#/${landing()}`;
  return h('div', { class: 'shell' },
    h('aside', { class: 'rail' },
      h('a', { href: home, class: 'brand', 'aria-label': 'stovebot' }, logo()),
      h('nav', { 'aria-label': t('nav.main') }, navLinks('rail-nav')),
      h('div', { class: 'rail-slot', id: 'rail-slot' }), // a view's own part of the rail
      h('div', { class: 'rail-foot' }, user ? quotaCard() : null, languageSwitch())),
    h('header', { class: 'topbar' },
      h('a', { href: home, class: 'brand', 'aria-label': 'stovebot' }, logo()),
      user ? quotaPill() : h('span', { class: 'topbar-role' }, t('nav.superuser')),
      languageSwitch()),
    h('main', { id: 'main', tabindex: '-1' }),
    h('nav', { class: 'tabbar', 'aria-label': t('nav.main') }, navLinks('tab-nav')));
}

// resolve names the route to draw for the address. A guest who asks for a
// page that needs an account signs in first and is then taken there; any
// other address the visitor may not open leads to their landing page.
function resolve() {
  const { name: asked, rest } = currentRoute();
  let name = asked === 'quotes' && rest.length ? 'quote' : asked;
  const route = routes[name];
  if (route && allowed(route)) {
    if (!route.card) wanted = null; // the guest went elsewhere
    return { name, rest };
  }
  if (route && !session.token && route.who !== 'guest') {
    // after a sign-out the page is left behind, not wanted back
    if (!(current && current.signedIn)) wanted = location.hash;
    name = 'signin';
  } else if (session.token && wanted) {
    history.replaceState(null, '', wanted);
    wanted = null;
    return resolve();
  } else {
    name = landing();
  }
  history.replaceState(null, '', `#/${name}`);
  return { name, rest: [] };
}

/** render draws the view of the current hash; keep says "same page, new language". */
function render(keep = false) {
  const { name, rest } = resolve();
  if (current && current.view && current.view.destroy) current.view.destroy();
  shellSubscriptions.forEach((stop) => stop());
  shellSubscriptions = [];
  current = { name, signedIn: !!session.token };
  const route = routes[name];
  replace(app, shell(route));
  document.title = `${t(route.title)} · stovebot`;
  const main = document.getElementById('main');
  current.view = route.view(main, rest) || null;
  if (!keep) {
    const heading = main.querySelector('h1');
    if (heading && document.activeElement === document.body) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
  if (allowed(routes.chat) && !quota) loadQuota().catch(() => {});
  if (isStaff()) refreshPending().catch(() => {});
}

onSessionChange(() => {
  if (!session.token) resetQuota();
  // a new token for the same person (a saved profile) keeps the page as it is
  if (!current || current.signedIn !== !!session.token || !allowed(routes[current.name])) render();
});

window.addEventListener('hashchange', () => render());
onLangChange(() => render(true));

async function boot() {
  if (session.token) await refreshSession();
  // a refused refresh has already drawn the sign-in page (with its notice)
  if (!current) render();
}

boot();
