// The review queue's size, shown as a badge on the Review navigation item:
// the quotes neither approved nor rejected, counted through the records API
// (moderators and superusers see them all).

import { request, isStaff } from './api.js';

/** PENDING_FILTER is the records API filter of the review queue. */
export const PENDING_FILTER = "is_apply = false && rejected_reason = ''";

const listeners = new Set();

/** The last known number of pending quotes, or null before the first count. */
export let pendingCount = null;

/** Counts the queue again and tells the listeners; staff only. */
export async function refreshPending() {
  if (!isStaff()) return null;
  const q = new URLSearchParams({ perPage: '1', fields: 'id', filter: PENDING_FILTER });
  const { data } = await request(`/api/collections/quotes/records?${q}`);
  setPending(data.totalItems);
  return pendingCount;
}

/** Sets the count (a view that has just listed the queue knows it). */
export function setPending(n) {
  pendingCount = n;
  listeners.forEach((fn) => fn(n));
}

/** Calls fn with every new count; returns the function that stops it. */
export function onPending(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
