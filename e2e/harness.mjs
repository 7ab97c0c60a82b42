// The browser tests' world: the real stovebot binary built by `make build`,
// a fake OpenAI-compatible server, and Debian's chromium through
// playwright-core. Nothing here is a mock of stovebot's own code.

import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const screenshotDir = path.join(repoRoot, 'e2e', 'screenshots');
export const OPENAI_KEY = `sk-test-SECRET-${Math.random().toString(36).slice(2)}${Date.now()}`;
export const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** freePort asks the kernel for a port nobody listens on. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** build runs `make build` in the repository (skipped with STOVEBOT_BIN). */
export function build() {
  if (process.env.STOVEBOT_BIN) return path.resolve(process.env.STOVEBOT_BIN);
  execFileSync('make', ['build'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  return path.join(repoRoot, 'stovebot');
}

// The answer the fake upstream streams: every piece of markup the UI
// renders, and some it must not.
export const ANSWER_PIECES = [
  '**백승수** 단장의 말이에요.',
  '\n\n“우리는 핑계를 대지 않습니다.” — 백승수 (1화)',
  '\n\n- *이세영* 팀장\n- `드림즈` 프런트',
  '\n\n자세한 건 https://example.com/stove?x=1 에서 보세요. [dreams](https://example.org/dreams)',
  '\n\n<script>alert("pwned")</script><img src=x onerror="alert(2)"> [bad](javascript:alert(1))',
];
export const ANSWER = ANSWER_PIECES.join('');

/** HOLD in a question makes the fake upstream hold its stream after the first piece, until release(). */
export const HOLD = 'HOLD-THE-STREAM';
/** NUMBERED in a question makes the fake end each answer to it with "Answer #N", N counting its asks. */
export const NUMBERED = 'NUMBER-ANSWERS';

/**
 * startFakeOpenAI serves /v1/chat/completions (JSON and SSE, a piece every
 * pieceDelay ms) and /v1/models. A question containing FAIL-ONCE gets a
 * 500 the first time it is asked; one containing CUT-ONCE has its stream
 * cut after two pieces the first time; HOLD and NUMBERED: see above.
 * held() counts the streams on hold now, release() lets them go on, and
 * cancelled() counts the streams the caller closed before their end.
 */
export async function startFakeOpenAI({ pieceDelay = 350 } = {}) {
  const calls = [];
  const failedOnce = new Set();
  const cutOnce = new Set();
  const holds = new Set(); // the resolvers of the streams on hold
  const asked = new Map(); // question → times asked, for NUMBERED
  let cancelled = 0;
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : {};
    calls.push({ method: req.method, url: req.url, headers: req.headers, body });
    if (req.url.endsWith('/models')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'test' }] }));
      return;
    }
    if (!req.url.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    const msgs = body.messages || [];
    const question = String((msgs[msgs.length - 1] || {}).content || '');
    if (question.includes('FAIL-ONCE') && !failedOnce.has(question)) {
      failedOnce.add(question);
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `upstream exploded (key ${OPENAI_KEY})` } }));
      return;
    }
    const id = `chatcmpl-${calls.length}`;
    const created = Math.floor(Date.now() / 1000);
    if (!body.stream) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({
        id, object: 'chat.completion', created, model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 },
      }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const chunk = (delta, finish = null, extra = {}) => `data: ${JSON.stringify({
      id, object: 'chat.completion.chunk', created, model: body.model,
      choices: [{ index: 0, delta, finish_reason: finish }], ...extra,
    })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }));
    const cut = question.includes('CUT-ONCE') && !cutOnce.has(question);
    if (cut) cutOnce.add(question);
    res.on('close', () => { if (!res.writableEnded) cancelled++; });
    const pieces = ANSWER_PIECES.slice();
    if (question.includes(NUMBERED)) {
      asked.set(question, (asked.get(question) || 0) + 1);
      pieces.push(`\n\nAnswer #${asked.get(question)}`);
    }
    for (const [i, piece] of pieces.entries()) {
      await sleep(pieceDelay);
      if (res.destroyed) return;
      if (cut && i === 2) {
        res.destroy(); // the connection drops in the middle of the answer
        return;
      }
      res.write(chunk({ content: piece }));
      if (i === 0 && question.includes(HOLD)) {
        await new Promise((resolve) => {
          holds.add(resolve);
          res.once('close', () => { holds.delete(resolve); resolve(); });
        });
      }
    }
    res.write(chunk({}, 'stop', { usage: { prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 } }));
    res.write('data: [DONE]\n\n');
    res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    held: () => holds.size,
    release() {
      for (const resolve of holds) resolve();
      holds.clear();
    },
    cancelled: () => cancelled,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/**
 * startStovebot creates the superuser, then serves a fresh data directory
 * on a free port, and waits for /api/health.
 */
export async function startStovebot(bin, env = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'stovebot-e2e-'));
  // A binary below $TMPDIR runs in PocketBase's dev mode; ours lives in the
  // repository, and its own TMPDIR stays away from the data directory.
  const ownTmp = path.join(dir, 'tmp');
  mkdirSync(ownTmp);
  const fullEnv = { ...process.env, TMPDIR: ownTmp, ...env };
  execFileSync(bin, ['superuser', 'upsert', ADMIN.email, ADMIN.password, '--dir', path.join(dir, 'pb_data')], {
    env: fullEnv, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ['serve', '--dir', path.join(dir, 'pb_data'), '--http', `127.0.0.1:${port}`], {
    env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`stovebot exited with ${proc.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`stovebot did not start:\n${log}`);
    await sleep(100);
  }
  return {
    base,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        // the deadline's timer is cleared once the process exits, so that it
        // does not keep the test file's process alive for its 5 s
        let deadline;
        await Promise.race([
          new Promise((r) => proc.once('exit', r)),
          new Promise((r) => { deadline = setTimeout(r, 5000); }),
        ]);
        clearTimeout(deadline);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** launchBrowser starts Debian's chromium headless, with a fresh empty profile. */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} not found: install it with \`apt-get install -y chromium fonts-noto-cjk\``);
  }
  // launch() gives every browser a new, empty temporary user-data-dir.
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * newPage opens a context of the given width and locale, and records every
 * page error and console error (failed resource loads aside: the tests
 * cause 4xx answers on purpose).
 */
export async function newPage(browser, { width = 1280, height = 860, locale = 'en-US', colorScheme = 'light' } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    locale,
    timezoneId: 'Europe/Berlin', // not the server's: the reset time must use the server's zone
    deviceScaleFactor: 1,
    colorScheme,
    isMobile: width < 600,
    hasTouch: width < 600,
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (/Failed to load resource/.test(msg.text())) return;
    page.errors.push(`console: ${msg.text()}`);
  });
  return page;
}

/**
 * shot saves what the reader sees (the viewport, as on a screen) into
 * e2e/screenshots/NAME-WIDTH.png; fullPage adds the whole page.
 */
export async function shot(page, name, { fullPage = false } = {}) {
  mkdirSync(screenshotDir, { recursive: true });
  const width = page.viewportSize().width;
  await page.screenshot({ path: path.join(screenshotDir, `${name}-${width}.png`), fullPage });
}

/** superuserToken signs in the superuser through the API. */
export async function superuserToken(base) {
  const res = await fetch(`${base}/api/collections/_superusers/auth-with-password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identity: ADMIN.email, password: ADMIN.password }),
  });
  if (!res.ok) throw new Error(`superuser sign-in: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** api calls the server with a token and returns {status, body}. */
export async function api(base, token, method, urlPath, body) {
  const res = await fetch(`${base}${urlPath}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** noHorizontalScroll returns how far the page scrolls sideways (0 is good). */
export async function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * signUp makes a user through the API, with a daily limit of their own
 * when given (set with the superuser token su), signs them in, and
 * returns {id, token, record}.
 */
export async function signUp(base, name, { su, dailyLimit } = {}) {
  const email = `${name}${Date.now()}@dreams.kr`;
  const password = `${name}-12345`;
  const created = await api(base, null, 'POST', '/api/collections/users/records', { email, password, passwordConfirm: password });
  if (created.status !== 200) throw new Error(`signing ${name} up: ${JSON.stringify(created.body)}`);
  if (dailyLimit) {
    const set = await api(base, su, 'PATCH', `/api/collections/users/records/${created.body.id}`, { daily_limit: dailyLimit });
    if (set.status !== 200) throw new Error(`setting ${name}'s limit: ${JSON.stringify(set.body)}`);
  }
  const auth = await api(base, null, 'POST', '/api/collections/users/auth-with-password', { identity: email, password });
  if (auth.status !== 200) throw new Error(`signing ${name} in: ${JSON.stringify(auth.body)}`);
  return { id: created.body.id, token: auth.body.token, record: auth.body.record };
}
