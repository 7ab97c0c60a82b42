// The daily quota: loaded from GET /api/chat/quota and kept current from the
// X-RateLimit-* headers and the `quota` objects of every chat answer.

import { request } from './api.js';
import { t, lang } from './i18n.js';

const listeners = new Set();

/** The last known quota, or null before the first load. */
export let quota = null;

/** Sets the quota from the server's object ({limit, used, remaining, reset, timezone, max_chars}). */
export function setQuota(q) {
  if (!q || typeof q.limit !== 'number') return;
  quota = {
    limit: q.limit,
    used: q.used,
    remaining: Math.max(0, q.remaining),
    reset: new Date(q.reset),
    timezone: q.timezone || (quota && quota.timezone) || undefined,
    maxChars: q.max_chars || (quota && quota.maxChars) || undefined,
  };
  listeners.forEach((fn) => fn(quota));
}

/** Updates the quota from the X-RateLimit-* headers of a response, when present. */
export function setQuotaFromHeaders(headers) {
  const limit = headers.get('X-RateLimit-Limit');
  const remaining = headers.get('X-RateLimit-Remaining');
  const reset = headers.get('X-RateLimit-Reset');
  if (limit === null || remaining === null || reset === null) return;
  const used = headers.get('X-RateLimit-Used');
  setQuota({
    limit: Number(limit),
    remaining: Number(remaining),
    used: used === null ? Number(limit) - Number(remaining) : Number(used),
    reset: Number(reset) * 1000,
    timezone: quota && quota.timezone,
  });
}

/** Loads the quota from the server. */
export async function loadQuota() {
  const { data, headers } = await request('/api/chat/quota');
  if (data && data.timezone) {
    setQuota(data);
  } else {
    setQuotaFromHeaders(headers);
  }
  return quota;
}

/** Calls fn with every new quota; returns a function that stops it. */
export function onQuota(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Forgets the quota (on sign-out). */
export function resetQuota() {
  quota = null;
}

function zoneFormat(opts) {
  return new Intl.DateTimeFormat(lang() === 'ko' ? 'ko-KR' : 'en', {
    timeZone: (quota && quota.timezone) || undefined,
    ...opts,
  });
}

/** The reset moment as the pill says it: "midnight (GMT+9)" or a time. */
export function resetPhrase(q = quota) {
  const parts = zoneFormat({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).formatToParts(q.reset);
  const get = (type) => (parts.find((p) => p.type === type) || {}).value || '';
  const zone = get('timeZoneName');
  const midnight = get('hour') === '00' && get('minute') === '00';
  const when = midnight ? t('quota.midnight') : zoneFormat({ hour: 'numeric', minute: '2-digit' }).format(q.reset);
  return lang() === 'ko' ? `${when}` : `${when} (${zone})`;
}

/** The reset moment with its day and zone, for the limit card: "Friday at midnight (GMT+9)". */
export function resetTime(q = quota) {
  const weekday = zoneFormat({ weekday: 'long' }).format(q.reset);
  const parts = zoneFormat({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).formatToParts(q.reset);
  const get = (type) => (parts.find((p) => p.type === type) || {}).value || '';
  const midnight = get('hour') === '00' && get('minute') === '00';
  const when = midnight ? t('quota.midnight') : zoneFormat({ hour: 'numeric', minute: '2-digit' }).format(q.reset);
  return t('quota.at', { weekday, when, zone: get('timeZoneName') });
}

/** The pill text: "3 of 5 left today · resets at midnight (GMT+9)". */
export function pillText(q = quota) {
  if (!q) return t('quota.loading');
  return t('quota.pill', { remaining: q.remaining, limit: q.limit, reset: resetPhrase(q) });
}

/** h:mm:ss until date. */
export function countdown(date, now = Date.now()) {
  let s = Math.max(0, Math.ceil((date.getTime() - now) / 1000));
  const hh = Math.floor(s / 3600);
  s -= hh * 3600;
  const mm = Math.floor(s / 60);
  s -= mm * 60;
  return `${hh}:${String(mm).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
