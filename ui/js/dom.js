// A small helper to build elements without HTML strings: text is always
// set as text, so nothing from the server is ever parsed as markup.

/**
 * h builds an element. attrs: plain attributes, `class`, `on…` listeners,
 * `dataset`, and properties with a leading dot (`.value`). Children are
 * nodes, strings (as text), arrays, or null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = tag === 'svg' || attrs.svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false || k === 'svg') continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('.')) el[k.slice(1)] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces every child of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** An inline SVG from a path list, decorative unless given a label. */
export function icon(paths, { size = 20, label } = {}) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '1.8');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  if (label) { svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label); } else svg.setAttribute('aria-hidden', 'true');
  for (const d of [].concat(paths)) {
    const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    p.setAttribute('d', d);
    svg.append(p);
  }
  return svg;
}

/** Icons used across the app (24-unit paths). */
export const icons = {
  chat: 'M4 5h16v11H9l-5 4z',
  quote: ['M7 7h4v4c0 3-1.5 5-4 6', 'M15 7h4v4c0 3-1.5 5-4 6'],
  user: ['M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M4 20c1.5-4 4.5-6 8-6s6.5 2 8 6'],
  send: ['M4 12l16-8-6 16-2-7z', 'M12 13l8-9'],
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13'],
  edit: ['M4 20h4L19 9l-4-4L4 16z'],
  retry: ['M4 12a8 8 0 1 0 3-6.2', 'M4 4v5h5'],
  clock: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M12 7v5l3 2'],
  check: ['M4 12.5l5 5L20 6.5'],
  search: ['M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z', 'M16.5 16.5L21 21'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  link: ['M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1', 'M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1'],
  download: ['M12 4v11', 'M7 10l5 5 5-5', 'M5 20h14'],
  plus: ['M12 5v14', 'M5 12h14'],
  menu: ['M4 6h16', 'M4 12h16', 'M4 18h16'],
  back: ['M15 6l-6 6 6 6'],
  forward: ['M9 6l6 6-6 6'],
  stop: ['M7 7h10v10H7z'],
};

/** The stovebot logo: a baseball with its seams, and the word. */
export function logo() {
  const ball = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  ball.setAttribute('viewBox', '0 0 32 32');
  ball.setAttribute('width', '26');
  ball.setAttribute('height', '26');
  ball.setAttribute('aria-hidden', 'true');
  ball.classList.add('logo-mark');
  const mk = (tag, attrs) => {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    ball.append(e);
  };
  mk('circle', { cx: 16, cy: 16, r: 14, class: 'ball' });
  mk('path', { d: 'M8.5 5.5c3.5 3 4.8 6.5 4.8 10.5s-1.3 7.5-4.8 10.5', class: 'seam' });
  mk('path', { d: 'M23.5 5.5c-3.5 3-4.8 6.5-4.8 10.5s1.3 7.5 4.8 10.5', class: 'seam' });
  return h('span', { class: 'logo' }, ball, h('span', { class: 'logo-word' }, 'stovebot'));
}
