// Renders the model's text as DOM nodes: paragraphs, line breaks, bold,
// italics, lists, inline code, code blocks, http(s) links and quote cards.
// Nothing is parsed as HTML: every piece of text becomes a text node, so
// markup in an answer shows as the characters it is.

import { h } from './dom.js';

// “content” — speaker (episode), as the offline answers and most models
// write a quote; the episode part is optional.
const QUOTE_LINE = /^\s*(?:[-*•]\s+|\d+[.)]\s+)?["“„«]([^"”]{2,}?)["”»]\s*[—–-]{1,2}\s*([^()\n]{1,60}?)\s*(?:\(([^()\n]{1,30})\))?\s*$/;
const FENCE = /^\s*```/;
const BULLET = /^\s*[-*•]\s+(.*)$/;
const ORDERED = /^\s*(\d+)[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*)$/;

/** render returns a fragment for the text of an answer. */
export function render(text) {
  const frag = document.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  let para = [];
  let list = null;

  const flushPara = () => {
    if (!para.length) return;
    const p = h('p');
    para.forEach((line, i) => {
      if (i) p.append(h('br'));
      inline(p, line);
    });
    frag.append(p);
    para = [];
  };
  const flushList = () => {
    if (list) frag.append(list.el);
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FENCE.test(line)) {
      flushPara(); flushList();
      const body = [];
      for (i++; i < lines.length && !FENCE.test(lines[i]); i++) body.push(lines[i]);
      frag.append(h('pre', {}, h('code', {}, body.join('\n'))));
      continue;
    }
    if (line.trim() === '') {
      flushPara(); flushList();
      continue;
    }
    const q = QUOTE_LINE.exec(line);
    if (q) {
      flushPara(); flushList();
      frag.append(quoteCard(q[1].trim(), q[2].trim(), (q[3] || '').trim()));
      continue;
    }
    const b = BULLET.exec(line);
    const o = b ? null : ORDERED.exec(line);
    if (b || o) {
      flushPara();
      const tag = b ? 'ul' : 'ol';
      if (!list || list.tag !== tag) {
        flushList();
        list = { tag, el: h(tag, o && o[1] !== '1' ? { start: o[1] } : {}) };
      }
      const li = h('li');
      inline(li, b ? b[1] : o[2]);
      list.el.append(li);
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      // a continuation line of the last item
      const li = list.el.lastElementChild;
      li.append(h('br'));
      inline(li, line.trim());
      continue;
    }
    flushList();
    const hd = HEADING.exec(line);
    if (hd) {
      flushPara();
      const p = h('p', { class: 'md-heading' });
      p.append(h('strong', {}, ...inlineNodes(hd[1])));
      frag.append(p);
      continue;
    }
    para.push(line);
  }
  flushPara();
  flushList();
  return frag;
}

/** quoteCard is a quote set like a pull quote: the line, then who and when. */
export function quoteCard(content, speaker, episode) {
  const meta = [speaker, episode].filter(Boolean).join(' · ');
  return h('figure', { class: 'quote-card' },
    h('blockquote', {}, h('p', {}, content)),
    meta ? h('figcaption', {}, meta) : null);
}

function inline(parent, text) {
  parent.append(...inlineNodes(text));
}

// One pass over the line; the earliest match wins, text between stays text.
const INLINE_SOURCE = /(`+)([^`]+?)\1|\*\*(.+?)\*\*|__(.+?)__|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>"'`]+)|(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?!\w)|(^|[^\w])_(?!\s)([^_\n]+?)_(?!\w)/g;

function inlineNodes(text) {
  const out = [];
  let last = 0;
  // a fresh regexp per call: the recursion for bold and italics must not
  // move the outer loop's lastIndex
  const INLINE = new RegExp(INLINE_SOURCE.source, 'g');
  let m;
  while ((m = INLINE.exec(text))) {
    let start = m.index;
    let node;
    if (m[2] !== undefined) node = h('code', {}, m[2]);
    else if (m[3] !== undefined) node = h('strong', {}, ...inlineNodes(m[3]));
    else if (m[4] !== undefined) node = h('strong', {}, ...inlineNodes(m[4]));
    else if (m[5] !== undefined) node = link(m[6], m[5]);
    else if (m[7] !== undefined) {
      let url = m[7];
      const trail = /[.,;:!?)\]}>’”'"]+$/.exec(url);
      if (trail) url = url.slice(0, -trail[0].length);
      INLINE.lastIndex = start + url.length;
      node = link(url, url);
    } else if (m[9] !== undefined) {
      start += m[8].length;
      node = h('em', {}, ...inlineNodes(m[9]));
    } else if (m[11] !== undefined) {
      start += m[10].length;
      node = h('em', {}, ...inlineNodes(m[11]));
    }
    if (start > last) out.push(document.createTextNode(text.slice(last, start)));
    out.push(node || document.createTextNode(m[0]));
    last = INLINE.lastIndex;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

function link(href, label) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return document.createTextNode(label);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return document.createTextNode(label);
  return h('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer' }, label);
}
