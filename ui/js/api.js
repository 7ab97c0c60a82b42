// The app's only door to the server: PocketBase's native API and
// stovebot's /api/chat, with the session kept in localStorage.

const AUTH_KEY = 'stovebot.auth';
const NOTICE_KEY = 'stovebot.notice';
const listeners = new Set();

/** ApiError carries the HTTP status and PocketBase's error body. */
export class ApiError extends Error {
  constructor(status, body, headers) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.data = (body && body.data) || {};
    this.headers = headers || new Headers();
  }
}

/** The signed-in session: a token and the user record, or nulls. */
export const session = {
  token: null,
  user: null,
};

function loadSession() {
  try {
    const saved = JSON.parse(localStorage.getItem(AUTH_KEY) || 'null');
    if (saved && typeof saved.token === 'string') {
      session.token = saved.token;
      session.user = saved.user || null;
    }
  } catch {
    localStorage.removeItem(AUTH_KEY);
  }
}
loadSession();

/** Stores a new session (token and user record) and tells the listeners. */
export function setSession(token, user) {
  session.token = token;
  session.user = user;
  localStorage.setItem(AUTH_KEY, JSON.stringify({ token, user }));
  listeners.forEach((fn) => fn(session));
}

/** Updates the stored user record, keeping the token. */
export function setUser(user) {
  setSession(session.token, user);
}

/** Forgets the session on this device. */
export function clearSession() {
  session.token = null;
  session.user = null;
  localStorage.removeItem(AUTH_KEY);
  listeners.forEach((fn) => fn(session));
}

/** takeNotice returns (once) the key of a message left for the sign-in page. */
export function takeNotice() {
  const key = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  return key;
}

/** hasNotice says whether a message waits for the sign-in page, without taking it. */
export function hasNotice() {
  return sessionStorage.getItem(NOTICE_KEY) !== null;
}

/** Calls fn whenever the session changes (another tab included). */
export function onSessionChange(fn) {
  listeners.add(fn);
}

window.addEventListener('storage', (e) => {
  if (e.key !== AUTH_KEY) return;
  session.token = null;
  session.user = null;
  loadSession();
  listeners.forEach((fn) => fn(session));
});

/**
 * request calls the API and returns {data, headers, status}. It throws an
 * ApiError for any non-2xx answer, and clears the session on a 401 to a
 * request that carried a token.
 */
export async function request(path, { method = 'GET', body, headers = {}, signal, raw = false } = {}) {
  const h = new Headers(headers);
  if (session.token) h.set('Authorization', `Bearer ${session.token}`);
  if (body !== undefined && !(body instanceof FormData)) h.set('Content-Type', 'application/json');
  const res = await fetch(path, {
    method,
    headers: h,
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    signal,
  });
  if (raw && res.ok) return res;
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (res.status !== 204 && type.includes('json')) {
    data = await res.json().catch(() => null);
  }
  if (!res.ok) {
    if (res.status === 401 && h.has('Authorization')) {
      // the sign-in page says why the visitor is there
      sessionStorage.setItem(NOTICE_KEY, 'auth.sessionEnded');
      clearSession();
    }
    throw new ApiError(res.status, data, res.headers);
  }
  return { data, headers: res.headers, status: res.status };
}

const SUPERUSERS = '_superusers';

/** isSuperuser says whether the session is a superuser's (the dashboard's credentials). */
export function isSuperuser() {
  return !!session.user && session.user.collectionName === SUPERUSERS;
}

/** isStaff says whether the session may review quotes: a moderator or a superuser. */
export function isStaff() {
  return isSuperuser() || (!!session.user && session.user.moderator === true);
}

/** Exchanges the stored token for a fresh one; false when it has expired. */
export async function refreshSession() {
  if (!session.token) return false;
  const collection = isSuperuser() ? SUPERUSERS : 'users';
  try {
    const { data } = await request(`/api/collections/${collection}/auth-refresh`, { method: 'POST' });
    setSession(data.token, data.record);
    return true;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) {
      clearSession();
      return false;
    }
    return true; // offline: keep the session and let the views report it
  }
}

/**
 * Signs in with email and password: as a user, or, when no user has these
 * credentials, as a superuser with the dashboard's.
 */
export async function signInWithPassword(identity, password) {
  const signIn = (collection) => request(`/api/collections/${collection}/auth-with-password`, {
    method: 'POST',
    body: { identity, password },
  });
  let answer;
  try {
    answer = await signIn('users');
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 400)) throw err;
    answer = await signIn(SUPERUSERS).catch(() => { throw err; });
  }
  setSession(answer.data.token, answer.data.record);
  return answer.data.record;
}

/** The sign-in methods the server offers (password, OAuth2 providers). */
export async function authMethods() {
  const { data } = await request('/api/collections/users/auth-methods');
  return data;
}

/**
 * stream asks for Server-Sent Events. It goes through request, so an error
 * answer (a 401 above all) is handled as for any other call and thrown as an
 * ApiError. It returns {events, data, headers, status}: events yields the
 * stream's {event, data}; when the server answered with JSON instead (a
 * replay), events is null and data holds the body.
 */
export async function stream(path, { method = 'POST', body, headers = {}, signal } = {}) {
  const h = new Headers(headers);
  h.set('Accept', 'text/event-stream');
  const res = await request(path, { method, body, headers: h, signal, raw: true });
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('text/event-stream')) {
    return { events: readEvents(res), data: null, headers: res.headers, status: res.status };
  }
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  return { events: null, data, headers: res.headers, status: res.status };
}

// readEvents yields the Server-Sent Events of a fetch response as
// {event, data} objects, data parsed as JSON when it is JSON.
async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = 'message';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? 2 : 1));
      if (line === '') {
        if (data.length) {
          const text = data.join('\n');
          let parsed = text;
          try { parsed = JSON.parse(text); } catch { /* plain text data */ }
          yield { event, data: parsed };
        }
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue; // comment, keep-alive
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let val = colon < 0 ? '' : line.slice(colon + 1);
      if (val.startsWith(' ')) val = val.slice(1);
      if (field === 'event') event = val;
      else if (field === 'data') data.push(val);
    }
  }
}

/** A random Idempotency-Key (works outside secure contexts too). */
export function newIdempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Escapes a value for a PocketBase filter string literal. */
export function filterValue(v) {
  return `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
