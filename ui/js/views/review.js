// The review queue at #/review, for moderators and superusers.

import { t } from '../i18n.js';
import { h } from '../dom.js';

/** reviewView is the review queue. */
export function reviewView(root) {
  root.append(h('section', { class: 'review page' }, h('h1', {}, t('nav.review'))));
}
