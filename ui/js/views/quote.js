// A quote's own page at #/quotes/ID: the line as a pull quote, speaker ·
// episode linking back to the board's filters, and the ways to share it
// (copy text, copy link to the server-rendered /q/ID, download the card).

import { request, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { copyText } from '../clipboard.js';
import { h, replace, icon, icons } from '../dom.js';
import { href } from '../route.js';
import { drawCard, cardBlob, CARD_WIDTH, CARD_HEIGHT } from '../card.js';

/** quoteView is the page of one quote. */
export function quoteView(root, [id]) {
  const controller = new AbortController();
  const body = h('div', { class: 'quote-body' });
  let stopPreview = () => {};
  root.append(h('section', { class: 'quote-page page' },
    h('a', { href: href('quotes'), class: 'back-link' }, h('span', { 'aria-hidden': 'true' }, '← '), t('quote.back')),
    h('h1', { class: 'quote-eyebrow' }, t('quote.title')),
    body));

  const load = async () => {
    replace(body, h('p', { class: 'loading', role: 'status' }, t('common.loading')));
    try {
      const { data } = await request(`/api/collections/quotes/records/${encodeURIComponent(id)}`, { signal: controller.signal });
      stopPreview = showQuote(body, data);
    } catch (err) {
      if (controller.signal.aborted) return;
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) replace(body, notFound());
      else replace(body, failed(err, load));
    }
  };
  load();

  return {
    destroy() {
      controller.abort();
      stopPreview();
    },
  };
}

// showQuote draws a loaded quote and returns what stops its preview's
// redraws. Only an approved quote has a public link and a card.
function showQuote(body, rec) {
  const status = h('p', { class: 'quote-status', role: 'status' });
  const say = (key, ok = true) => {
    status.textContent = t(key);
    status.classList.toggle('failed', !ok);
  };
  const approved = rec.is_apply === true;
  const preview = approved ? h('canvas', { class: 'card-preview', width: CARD_WIDTH, height: CARD_HEIGHT, role: 'img', 'aria-label': t('quote.preview') }) : null;
  document.title = `${shorten(rec.content)} · stovebot`;
  replace(body,
    pullQuote(rec),
    approved ? null : privateNote(rec),
    h('div', { class: 'quote-share', role: 'group', 'aria-label': t('quote.share') }, shareActions(rec, approved, say)),
    status,
    preview ? h('figure', { class: 'card-figure' }, preview, h('figcaption', {}, t('quote.preview'))) : null);
  return preview ? keepDrawn(preview, rec) : () => {};
}

// shareActions are the buttons under the quote; each reports through say.
function shareActions(rec, approved, say) {
  const copied = (ok, key) => say(ok ? key : 'quote.copyFailed', ok);
  const copyLine = action(icons.copy, t('quote.copyText'), async () => copied(await copyText(shareText(rec)), 'quote.copied'));
  if (!approved) return [copyLine];
  const link = `${location.origin}/q/${encodeURIComponent(rec.id)}`;
  return [
    copyLine,
    action(icons.link, t('quote.copyLink'), async () => copied(await copyText(link), 'quote.linkCopied')),
    action(icons.download, t('quote.download'), async () => {
      try {
        await download(rec);
        say('quote.downloaded');
      } catch {
        say('quote.downloadFailed', false);
      }
    }, 'primary'),
  ];
}

// pullQuote is the line set large, then speaker · episode as links to the
// board filtered by them.
function pullQuote(rec) {
  const parts = [];
  if (rec.speaker) parts.push(h('a', { href: href('quotes', { speaker: rec.speaker }), class: 'quote-speaker' }, rec.speaker));
  if (rec.episode) parts.push(h('a', { href: href('quotes', { episode: rec.episode }), class: 'quote-episode' }, t('quotes.episodeN', { n: rec.episode })));
  return h('figure', { class: 'quote-hero' },
    h('blockquote', {}, h('p', { class: 'quote-line' }, rec.content)),
    parts.length ? h('figcaption', {}, parts.flatMap((p, i) => (i ? [' · ', p] : [p]))) : null);
}

// privateNote tells the author why a pending or rejected line has no
// share actions.
function privateNote(rec) {
  const rejected = !!rec.rejected_reason;
  return h('div', { class: 'quote-private' },
    h('span', { class: `badge ${rejected ? 'rejected' : 'pending'}` }, t(rejected ? 'quote.rejected' : 'quotes.pending')),
    h('p', {}, rejected ? t('quote.rejectedReason', { reason: rec.rejected_reason }) : t('quote.privateNote')));
}

function notFound() {
  return h('div', { class: 'quote-missing' },
    h('h2', {}, t('quote.notFound.title')),
    h('p', { class: 'lead' }, t('quote.notFound.lead')),
    h('a', { href: href('quotes'), class: 'btn primary' }, t('quote.toBoard')));
}

function failed(err, retry) {
  const offline = !(err instanceof ApiError);
  return h('div', { class: 'quote-missing', role: 'alert' },
    h('p', { class: 'fail' }, t(offline ? 'common.offline' : 'common.error')),
    h('button', { type: 'button', class: 'btn', onclick: retry }, icon(icons.retry, { size: 18 }), t('common.retry')));
}

// action is a share button that runs fn, once at a time. It stays enabled
// (and focused) while fn runs: aria-busy says it is working.
function action(paths, label, fn, kind = '') {
  const button = h('button', { type: 'button', class: `btn ${kind}`.trim() }, icon(paths, { size: 18 }), label);
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    try {
      await fn();
    } finally {
      button.removeAttribute('aria-busy');
    }
  });
  return button;
}

// shareText is the line as one pastes it: “LINE” — SPEAKER, N화 (missing
// parts left out).
function shareText(rec) {
  const source = [rec.speaker, rec.episode ? t('quotes.episodeN', { n: rec.episode }) : ''].filter(Boolean).join(', ');
  return `“${rec.content}”${source ? ` — ${source}` : ''}`;
}

function cardQuote(rec) {
  const meta = [rec.speaker, rec.episode ? t('quotes.episodeN', { n: rec.episode }) : ''].filter(Boolean).join(' · ');
  return { line: rec.content, meta, host: location.host };
}

// keepDrawn draws the preview now and again whenever the colour scheme
// changes; it returns what stops that.
function keepDrawn(canvas, rec) {
  const draw = () => drawCard(canvas, cardQuote(rec));
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', draw);
  draw();
  return () => scheme.removeEventListener('change', draw);
}

// download saves the card as stovebot-ID.png through a link to its blob.
async function download(rec) {
  const blob = await cardBlob(cardQuote(rec));
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: `stovebot-${rec.id}.png`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // revoked a moment later, so that the download can still read the blob
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// shorten keeps the page title short: the first 40 characters of the line.
function shorten(text) {
  const chars = Array.from(text);
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : text;
}
