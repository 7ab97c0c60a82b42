// A quote's own page at #/quotes/ID.

import { t } from '../i18n.js';
import { h } from '../dom.js';

/** quoteView is the page of one quote. */
export function quoteView(root, [id]) {
  root.append(h('section', { class: 'quote-page page' }, h('h1', {}, t('quote.title')), h('p', {}, id)));
}
