// The last 30 days of chat requests (the web app's and the API's, the
// quota's own counter) as a small bar chart in inline SVG, with its numbers
// as a summary and a table for those who do not see the bars.

import { request } from '../../api.js';
import { t, lang } from '../../i18n.js';
import { h, replace } from '../../dom.js';

const DAYS = 30;
// the chart's drawing units; the SVG stretches to the width of its box
const W = DAYS * 10;
const H = 100;
const GAP = 2;

/** usageSection draws the usage chart into box; it returns {destroy}. */
export function usageSection(box) {
  let disposed = false;
  const body = h('div', { class: 'usage-body' });
  replace(box, body);
  const load = async () => {
    replace(body, h('p', { class: 'loading', role: 'status' }, t('common.loading')));
    try {
      const { data } = await request(`/api/usage?days=${DAYS}`);
      if (disposed) return;
      replace(body, chart(data));
    } catch (err) {
      if (disposed) return;
      replace(body, h('p', { class: 'fail' }, err.message || t('common.offline'), ' ',
        h('button', { type: 'button', class: 'btn small', onclick: load }, t('common.retry'))));
    }
  };
  load();
  return { destroy() { disposed = true; } };
}

// chart draws {timezone, days:[{day, requests}]}: oldest first, today last.
function chart({ timezone, days = [] }) {
  const total = days.reduce((s, d) => s + d.requests, 0);
  const today = days.length ? days[days.length - 1].requests : 0;
  const max = Math.max(1, ...days.map((d) => d.requests));
  const summary = t('usage.summary', { total, today, n: days.length });
  const step = W / Math.max(days.length, 1);

  const svg = h('svg', {
    class: 'usage-svg', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none',
    role: 'img', 'aria-label': summary, focusable: 'false',
  });
  svg.append(h('line', { svg: true, x1: 0, x2: W, y1: H - 0.5, y2: H - 0.5, class: 'usage-axis' }));
  svg.append(h('line', { svg: true, x1: 0, x2: W, y1: 0.5, y2: 0.5, class: 'usage-grid' }));
  days.forEach((d, i) => {
    // a day without requests keeps a faint tick, so the 30 days read as a row
    const height = d.requests ? Math.max(3, (d.requests / max) * (H - 4)) : 2;
    const isToday = i === days.length - 1;
    svg.append(h('rect', {
      svg: true, x: i * step + GAP / 2, width: step - GAP, y: H - height, height,
      class: `usage-bar${isToday ? ' today' : ''}${d.requests ? '' : ' zero'}`, 'data-day': d.day, 'data-requests': d.requests,
    }, h('title', { svg: true }, t('usage.bar', { day: dayLabel(d.day, true), n: d.requests }))));
  });

  // labels: the first day, every seventh, and today, placed under their bars
  const labels = h('div', { class: 'usage-labels', 'aria-hidden': 'true' });
  days.forEach((d, i) => {
    const last = i === days.length - 1;
    if (!last && (i % 7 !== 0 || days.length - 1 - i < 4)) return;
    // the ends align with the chart's edges, the others centre on their bar
    // (through the CSSOM: the site's CSP refuses style attributes)
    const label = h('span', { class: `usage-label${last ? ' today' : i === 0 ? ' first' : ''}` },
      last ? t('usage.today') : dayLabel(d.day));
    if (last) label.style.right = '0';
    else label.style.left = i === 0 ? '0' : `${((i + 0.5) / days.length) * 100}%`;
    labels.append(label);
  });

  const table = h('table', { class: 'usage-table' },
    h('caption', { class: 'sr-only' }, summary),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('usage.day')), h('th', { scope: 'col' }, t('usage.requests')))),
    h('tbody', {}, days.slice().reverse().map((d) => h('tr', {},
      h('th', { scope: 'row' }, dayLabel(d.day, true)), h('td', {}, String(d.requests))))));

  return [
    h('p', { class: 'usage-summary' },
      h('span', { class: 'usage-today' }, h('strong', { 'data-testid': 'usage-today' }, String(today)), ' ', t('usage.todayLabel')),
      h('span', { class: 'usage-total' }, h('strong', { 'data-testid': 'usage-total' }, String(total)), ' ', t('usage.totalLabel', { n: days.length }))),
    h('figure', { class: 'usage-chart' },
      h('div', { class: 'usage-plot' },
        h('span', { class: 'usage-max', 'aria-hidden': 'true' }, String(max)),
        svg),
      labels,
      h('figcaption', { class: 'meta' }, t('usage.zone', { zone: zoneName(timezone) }))),
    total ? null : h('p', { class: 'meta usage-none' }, t('usage.none', { n: days.length })),
    h('details', { class: 'usage-details' }, h('summary', {}, t('usage.table')), table),
  ];
}

// dayLabel says a calendar day ("2026-12-07") briefly ("12/7") or in full.
function dayLabel(day, long = false) {
  const date = new Date(`${day}T12:00:00Z`);
  const opts = long ? { month: 'long', day: 'numeric', weekday: 'short' } : { month: 'numeric', day: 'numeric' };
  return new Intl.DateTimeFormat(lang() === 'ko' ? 'ko-KR' : 'en', { ...opts, timeZone: 'UTC' }).format(date);
}

// zoneName names the server's zone: "Korea time (Asia/Seoul)".
function zoneName(zone) {
  if (!zone) return '';
  if (zone === 'Asia/Seoul') return t('usage.kst');
  try {
    const parts = new Intl.DateTimeFormat(lang() === 'ko' ? 'ko-KR' : 'en', { timeZone: zone, timeZoneName: 'longGeneric' }).formatToParts(new Date());
    const name = (parts.find((p) => p.type === 'timeZoneName') || {}).value;
    return name && name !== zone ? `${name} (${zone})` : zone;
  } catch {
    return zone;
  }
}
