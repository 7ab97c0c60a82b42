// The official `openai` npm package against the real binary's /v1, as an
// integrator uses it with a personal API key: chat completions (JSON and
// streamed, with usage), the model list, the daily limit as a RateLimitError
// that the SDK does not retry, AuthenticationError for a deleted, an expired
// and a malformed key, PermissionDeniedError for a blocked user, and one
// day's count shared with the web app's POST /api/chat.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { AuthenticationError, PermissionDeniedError, RateLimitError } from 'openai';
import { build, startFakeOpenAI, startStovebot, api, superuserToken, signUp, OPENAI_KEY, ANSWER } from '../harness.mjs';

const MODEL = 'dreams-model-1';
const KEY_RE = /^sk-sb-[0-9A-Za-z]{40}$/;
let upstream, server, su;

before(async () => {
  upstream = await startFakeOpenAI({ pieceDelay: 20 });
  server = await startStovebot(build(), {
    OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: upstream.url, OPENAI_MODEL: MODEL, STOVEBOT_DAILY_LIMIT: '20',
  });
  su = await superuserToken(server.base);
});

after(async () => {
  if (server) await server.stop();
  if (upstream) await upstream.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// newUser signs a user up (with a daily limit of their own when given).
const newUser = (name, dailyLimit) => signUp(server.base, name, { su, dailyLimit });

// newKey makes an API key for user through POST /api/keys.
async function newKey(user, body = { name: 'sdk test' }) {
  const res = await api(server.base, user.token, 'POST', '/api/keys', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.match(res.body.key, KEY_RE);
  return res.body;
}

// client is the SDK as its README sets it up, against our /v1. Every
// request it sends goes through a counting fetch: sent() says how many.
function client(apiKey) {
  let sent = 0;
  const c = new OpenAI({
    baseURL: `${server.base}/v1`,
    apiKey,
    maxRetries: 2,
    fetch: (url, init) => { sent++; return fetch(url, init); },
  });
  c.sent = () => sent;
  return c;
}

// refusal returns the error a call rejects with, checking its class.
async function refusal(promise, cls) {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${err && err.constructor.name}: ${err && err.message}`);
    return err;
  }
  assert.fail(`expected a ${cls.name}`);
}

const ask = (content) => ({ model: 'gpt-4o', messages: [{ role: 'user', content }] });

// lastAnswer is the user's newest saved answer.
async function lastAnswer(user) {
  const q = new URLSearchParams({ filter: "role='assistant'", sort: '-created,-id', perPage: '1' });
  const res = await api(server.base, user.token, 'GET', `/api/collections/chats/records?${q}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items[0];
}

test('POST /api/keys answers the key once; lists and views never show it', async () => {
  const user = await newUser('once');
  const made = await newKey(user, { name: 'laptop' });
  assert.deepEqual(Object.keys(made).sort(), ['created', 'expires', 'id', 'key', 'name', 'prefix']);
  assert.equal(made.name, 'laptop');
  assert.equal(made.prefix, made.key.slice(0, 12));
  assert.ok(made.created);
  const list = await api(server.base, user.token, 'GET', '/api/collections/api_keys/records?sort=-created');
  assert.equal(list.status, 200);
  assert.equal(list.body.items.length, 1);
  const one = await api(server.base, user.token, 'GET', `/api/collections/api_keys/records/${made.id}`);
  assert.equal(one.status, 200);
  for (const body of [list.body, one.body]) {
    const text = JSON.stringify(body);
    assert.ok(!text.includes(made.key), 'a later answer holds the key');
    assert.ok(!text.includes(made.key.slice(12)), 'a later answer holds the secret part of the key');
  }
  assert.equal(one.body.prefix, made.prefix);
  assert.equal(one.body.last_used, '');
  // another user sees none of it
  const other = await newUser('other');
  const theirs = await api(server.base, other.token, 'GET', `/api/collections/api_keys/records/${made.id}`);
  assert.equal(theirs.status, 404);
});

test('chat.completions.create answers with the configured model, and the key is marked used', async () => {
  const user = await newUser('plain');
  const key = await newKey(user, { name: 'plain script' });
  const openai = client(key.key);
  const reply = await openai.chat.completions.create(ask('백승수 단장의 명대사를 알려줘'));
  assert.equal(reply.object, 'chat.completion');
  assert.equal(reply.model, MODEL);
  assert.equal(reply.choices[0].message.role, 'assistant');
  assert.equal(reply.choices[0].message.content, ANSWER);
  assert.equal(reply.choices[0].finish_reason, 'stop');
  // the upstream was asked for our model, not the client's
  assert.equal(upstream.calls.at(-1).body.model, MODEL);
  const saved = await lastAnswer(user);
  assert.equal(saved.content, ANSWER);
  const rec = await api(server.base, user.token, 'GET', `/api/collections/api_keys/records/${key.id}`);
  assert.ok(rec.body.last_used, 'last_used is set after a call');
  // the exchange lives in a conversation named after the key
  const convs = await api(server.base, user.token, 'GET', '/api/collections/conversations/records');
  assert.deepEqual(convs.body.items.map((c) => c.title), ['plain script']);
});

test('a streamed answer arrives in chunks that add up to the saved answer, the last with usage', async () => {
  const user = await newUser('stream');
  const key = await newKey(user);
  const stream = await client(key.key).chat.completions.create({
    ...ask('이세영 팀장의 명대사'), stream: true, stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length > 2, `only ${chunks.length} chunks`);
  const text = chunks.map((c) => (c.choices[0] && c.choices[0].delta.content) || '').join('');
  assert.equal(text, ANSWER);
  for (const c of chunks) {
    assert.equal(c.object, 'chat.completion.chunk');
    assert.equal(c.model, MODEL);
  }
  const last = chunks.at(-1);
  assert.ok(last.usage, 'the last chunk has no usage');
  assert.ok(last.usage.total_tokens > 0);
  assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + last.usage.completion_tokens);
  assert.equal((await lastAnswer(user)).content, text);
});

test('models.list names the configured model', async () => {
  const user = await newUser('models');
  const key = await newKey(user);
  const ids = [];
  for await (const m of client(key.key).models.list()) ids.push(m.id);
  assert.ok(ids.includes(MODEL), `models: ${ids}`);
});

test('a user token works as the API key too', async () => {
  const user = await newUser('token');
  const reply = await client(user.token).chat.completions.create(ask('드림즈 프런트의 명대사'));
  assert.equal(reply.choices[0].message.content, ANSWER);
  const convs = await api(server.base, user.token, 'GET', '/api/collections/conversations/records');
  assert.deepEqual(convs.body.items.map((c) => c.title), ['API']);
});

test('at the daily limit: RateLimitError, sent once, not retried by the SDK', async () => {
  const user = await newUser('limit', 2);
  const key = await newKey(user);
  const openai = client(key.key);
  await openai.chat.completions.create(ask('첫 번째 질문'));
  await openai.chat.completions.create(ask('두 번째 질문'));
  assert.equal(openai.sent(), 2);
  const upstreamBefore = upstream.calls.length;
  const err = await refusal(openai.chat.completions.create(ask('세 번째 질문')), RateLimitError);
  assert.equal(err.status, 429);
  assert.equal(err.code, 'rate_limit_exceeded');
  assert.equal(err.headers.get('x-should-retry'), 'false');
  assert.ok(Number(err.headers.get('retry-after')) > 0, 'no Retry-After');
  assert.equal(err.headers.get('x-ratelimit-remaining'), '0');
  // one request went out for the refused call: maxRetries 2 did not send three
  assert.equal(openai.sent(), 3);
  assert.equal(upstream.calls.length, upstreamBefore);
  const quota = await api(server.base, user.token, 'GET', '/api/chat/quota');
  assert.equal(quota.body.used, 2);
});

test('AuthenticationError for a deleted, an expired and a malformed key', async () => {
  const user = await newUser('auth');
  // deleted
  const gone = await newKey(user, { name: 'to delete' });
  const openai = client(gone.key);
  assert.equal((await openai.chat.completions.create(ask('지우기 전에'))).choices[0].message.content, ANSWER);
  const del = await api(server.base, user.token, 'DELETE', `/api/collections/api_keys/records/${gone.id}`);
  assert.equal(del.status, 204);
  let err = await refusal(openai.chat.completions.create(ask('지운 뒤에')), AuthenticationError);
  assert.equal(err.status, 401);
  assert.equal(err.code, 'invalid_api_key');
  await refusal(openai.models.list(), AuthenticationError);

  // expired: a key that ends in a few seconds works, then no longer
  const soon = new Date(Date.now() + 3000).toISOString();
  const brief = await newKey(user, { name: 'brief', expires: soon });
  assert.ok(brief.expires, 'the expiry is answered');
  assert.ok(Math.abs(new Date(brief.expires.replace(' ', 'T')) - new Date(soon)) < 1000, `expires ${brief.expires}, asked ${soon}`);
  const briefClient = client(brief.key);
  const models = [];
  for await (const m of briefClient.models.list()) models.push(m.id);
  assert.ok(models.includes(MODEL));
  await sleep(new Date(soon) - Date.now() + 500);
  err = await refusal(briefClient.chat.completions.create(ask('만료된 뒤에')), AuthenticationError);
  assert.equal(err.code, 'invalid_api_key');
  // an expiry in the past is refused at creation
  const past = await api(server.base, user.token, 'POST', '/api/keys', { name: 'past', expires: '2020-01-01' });
  assert.equal(past.status, 400);
  assert.ok(past.body.data.expires, JSON.stringify(past.body));

  // malformed, and a well-formed key nobody holds
  for (const bad of ['sk-sb-nope', `sk-sb-${'A'.repeat(40)}`, 'not even a key']) {
    err = await refusal(client(bad).chat.completions.create(ask('아무 키로')), AuthenticationError);
    assert.equal(err.code, 'invalid_api_key');
  }
  // none of them was charged
  const quota = await api(server.base, user.token, 'GET', '/api/chat/quota');
  assert.equal(quota.body.used, 1);
});

test('PermissionDeniedError for a blocked user', async () => {
  const user = await newUser('blocked');
  const key = await newKey(user);
  const openai = client(key.key);
  await openai.chat.completions.create(ask('막히기 전에'));
  const block = await api(server.base, su, 'PATCH', `/api/collections/users/records/${user.id}`, { blocked: true });
  assert.equal(block.status, 200, JSON.stringify(block.body));
  const upstreamBefore = upstream.calls.length;
  const err = await refusal(openai.chat.completions.create(ask('막힌 뒤에')), PermissionDeniedError);
  assert.equal(err.status, 403);
  assert.equal(err.type, 'permission_error');
  assert.equal(openai.sent(), 2);
  assert.equal(upstream.calls.length, upstreamBefore);
});

test('one day, one count: a /v1 call and a POST /api/chat make used 2', async () => {
  const user = await newUser('shared');
  const key = await newKey(user);
  await client(key.key).chat.completions.create(ask('API로 묻기'));
  const web = await api(server.base, user.token, 'POST', '/api/chat', { content: '웹에서 묻기', stream: false });
  assert.equal(web.status, 201, JSON.stringify(web.body));
  assert.equal(web.body.quota.used, 2);
  const quota = await api(server.base, user.token, 'GET', '/api/chat/quota');
  assert.equal(quota.body.used, 2);
  assert.equal(quota.body.remaining, quota.body.limit - 2);
  const usage = await api(server.base, user.token, 'GET', '/api/usage?days=30');
  assert.equal(usage.status, 200, JSON.stringify(usage.body));
  assert.equal(usage.body.timezone, 'Asia/Seoul');
  assert.equal(usage.body.days.length, 30);
  assert.equal(usage.body.days.at(-1).requests, 2);
  assert.equal(usage.body.days.reduce((s, d) => s + d.requests, 0), 2);
  // a key opens /v1 only, not the rest of the API
  const keyOnApi = await api(server.base, key.key, 'GET', '/api/chat/quota');
  assert.equal(keyOnApi.status, 401);
});
