// The hash routes: "#/quotes/ID?q=…" read as a name, the rest of the path
// and the query, and the query rewritten in place as a view's filters change.

/** currentRoute reads location.hash as {name, rest, params}. */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const mark = hash.indexOf('?');
  const path = mark < 0 ? hash : hash.slice(0, mark);
  const [name = '', ...rest] = path.split('/').map(decode);
  return { name, rest: rest.filter(Boolean), params: new URLSearchParams(mark < 0 ? '' : hash.slice(mark + 1)) };
}

/** href builds "#/name/part?query" from a path list and a {key: value} object (empty values left out). */
export function href(parts, query = {}) {
  const path = [].concat(parts).map((p) => encodeURIComponent(p)).join('/');
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

/** replaceQuery puts a new query in the address bar without drawing the page again. */
export function replaceQuery(query) {
  const { name, rest } = currentRoute();
  const next = href([name, ...rest], query);
  if (next !== location.hash) history.replaceState(null, '', next);
}

function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
