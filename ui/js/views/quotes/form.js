// The quote form (a new suggestion, an author's edit) and the quote's card
// as the board lists it.

import { t } from '../../i18n.js';
import { h } from '../../dom.js';
import { href } from '../../route.js';
import { field, localErrors } from '../../form.js';

/** MAX is the longest line the board takes, in characters. */
export const MAX = 500;

/** quoteForm builds the line, speaker and episode fields, the counter under the line. */
export function quoteForm(submit, rec = null) {
  const count = h('span', { class: 'counter', 'aria-live': 'off' });
  const content = field('content', t('quotes.content'), { tag: 'textarea', rows: 3, maxlength: MAX, required: true, '.value': rec ? rec.content : '' });
  content.querySelector('textarea').after(count);
  const form = h('form', { class: 'quote-form', novalidate: true },
    content,
    h('div', { class: 'row' },
      field('speaker', t('quotes.speaker'), { type: 'text', maxlength: 50, '.value': rec ? rec.speaker || '' : '' }),
      field('episode', t('quotes.episode'), { type: 'number', min: 1, inputmode: 'numeric', '.value': rec && rec.episode ? String(rec.episode) : '' })),
    h('div', { class: 'form-actions' }, submit));
  const paint = () => { count.textContent = `${[...form.content.value].length}/${MAX}`; };
  form.addEventListener('input', paint);
  paint();
  return form;
}

/** formBody reads the form as a record body, or shows what is wrong and returns null. */
export function formBody(form) {
  const content = form.content.value.trim();
  const speaker = form.speaker.value.trim();
  const ep = form.episode.value.trim();
  const errs = {};
  if (!content) errs.content = { code: 'validation_required' };
  if (ep && !(Number.isInteger(Number(ep)) && Number(ep) >= 1)) errs.episode = { code: 'x', message: t('v.number') };
  if (localErrors(form, errs)) return null;
  return { content, speaker, episode: ep ? Number(ep) : null };
}

/** metaText is "speaker · episode" for a quote, or ''. */
export function metaText(rec) {
  return [rec.speaker, rec.episode ? t('quotes.episodeN', { n: rec.episode }) : ''].filter(Boolean).join(' · ');
}

/**
 * quoteFigure is a quote's pull-quote card; with link, its line opens the
 * quote's page; extra (a badge, a time) follows speaker · episode.
 */
export function quoteFigure(rec, { link = false, extra = null } = {}) {
  const line = h('blockquote', {}, h('p', {}, rec.content));
  const meta = metaText(rec);
  return h('figure', { class: 'quote-card' },
    link ? h('a', { class: 'quote-link', href: href(['quotes', rec.id]) }, line) : line,
    meta || extra ? h('figcaption', {}, meta ? h('span', {}, meta) : null, extra) : null);
}
