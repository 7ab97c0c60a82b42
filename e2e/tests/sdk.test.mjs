// The official `pocketbase` JS SDK against the real binary, unmodified, as
// an integrator uses it: sign-up, sign-in, refresh, lists with expand,
// records sent back as read, a quote without user, and realtime, where
// every subscriber hears what the collection's rules let it see and nothing
// else.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase, { BaseAuthStore, ClientResponseError } from 'pocketbase';
import { EventSource } from 'eventsource';
import { build, startStovebot, ADMIN } from '../harness.mjs';

// Node has no EventSource of its own; the SDK's README loads this one.
globalThis.EventSource = EventSource;

let server;
const clients = [];
const stamp = Date.now();
const author = { email: `author${stamp}@dreams.kr`, password: 'author-password-1' };
const other = { email: `other${stamp}@dreams.kr`, password: 'other-password-1' };
let su, authorPb, otherPb;

/** client returns an SDK client with its own auth store, kept in memory. */
function client() {
  const pb = new PocketBase(server.base, new BaseAuthStore());
  pb.autoCancellation(false); // the tests send the same request from several clients
  clients.push(pb);
  return pb;
}

/** signUp creates a user through the SDK and signs them in. */
async function signUp({ email, password }) {
  const pb = client();
  await pb.collection('users').create({ email, password, passwordConfirm: password });
  await pb.collection('users').authWithPassword(email, password);
  return pb;
}

/** refusal returns the error a call rejects with, or fails. */
async function refusal(promise) {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ClientResponseError, `expected a ClientResponseError, got ${err}`);
    return err;
  }
  assert.fail('expected the call to be refused');
}

before(async () => {
  server = await startStovebot(build()); // offline answers: no upstream needed
  su = client();
  await su.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
});

after(async () => {
  for (const pb of clients) {
    try { await pb.realtime.unsubscribe(); } catch { /* the server may be gone */ }
  }
  if (server) await server.stop();
});

test('sign-up, sign-in and refresh', async () => {
  authorPb = await signUp(author);
  otherPb = await signUp(other);
  const user = authorPb.authStore.record;
  assert.ok(authorPb.authStore.isValid);
  assert.equal(user.email, author.email);
  assert.equal(user.nickname, `author${stamp}`); // the email's local part
  assert.match(user.last_login, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(user.ip_address, undefined); // hidden

  const refreshed = await authorPb.collection('users').authRefresh();
  assert.equal(refreshed.record.id, user.id);
  assert.ok(refreshed.token);
  assert.equal(authorPb.authStore.token, refreshed.token);
  assert.equal(refreshed.record.last_login, user.last_login); // a refresh is not a sign-in

  const wrong = await refusal(client().collection('users').authWithPassword(author.email, 'not-the-password'));
  assert.equal(wrong.status, 400);
});

test('a user sends back their record with a new nickname', async () => {
  const users = authorPb.collection('users');
  const record = authorPb.authStore.record;
  const updated = await users.update(record.id, { ...record, nickname: '드림즈 팬' });
  assert.equal(updated.nickname, '드림즈 팬');
  assert.equal(updated.daily_limit, 0);
  assert.equal(updated.blocked, false);
  assert.equal(updated.last_login, record.last_login);

  // what an administrator set comes back unchanged, and stays
  await su.collection('users').update(record.id, { daily_limit: 20 });
  const read = await users.getOne(record.id);
  assert.equal(read.daily_limit, 20);
  const again = await users.update(record.id, { ...read, nickname: '단장님 팬' });
  assert.equal(again.nickname, '단장님 팬');
  assert.equal(again.daily_limit, 20);

  // a changed admin-only field is refused, by name, and nothing changes
  const raised = await refusal(users.update(record.id, { ...again, nickname: 'greedy', daily_limit: 1000 }));
  assert.equal(raised.status, 400);
  assert.equal(raised.response.data.daily_limit.code, 'validation_admin_only');
  const unblocked = await refusal(users.update(record.id, { ...again, blocked: true }));
  assert.equal(unblocked.response.data.blocked.code, 'validation_admin_only');
  const after = await users.getOne(record.id);
  assert.equal(after.nickname, '단장님 팬');
  assert.equal(after.daily_limit, 20);
});

test('a quote created without user is the author\'s; lists expand its user; a quote is sent back', async () => {
  const quotes = authorPb.collection('quotes');
  const authorId = authorPb.authStore.record.id;
  const created = await quotes.create({ content: '우리는 핑계를 대지 않습니다.', speaker: '백승수', episode: 1 });
  assert.equal(created.user, authorId);
  assert.equal(created.is_apply, false);

  // a form that always sends every field
  const full = await quotes.create({ content: '결과로 말하겠습니다.', speaker: '', is_apply: false, applied_at: '' });
  assert.equal(full.user, authorId);

  const inOthersName = await refusal(quotes.create({ content: 'not mine', user: otherPb.authStore.record.id }));
  assert.equal(inOthersName.status, 400);
  assert.equal(inOthersName.response.data.user.code, 'validation_not_yourself');
  const selfApproved = await refusal(quotes.create({ content: 'self-approved', is_apply: true }));
  assert.equal(selfApproved.response.data.is_apply.code, 'validation_admin_only');

  const list = await quotes.getList(1, 20, { expand: 'user', sort: 'created', filter: `user = "${authorId}"` });
  assert.equal(list.totalItems, 2);
  assert.equal(list.items[0].id, created.id);
  assert.equal(list.items[0].expand.user.id, authorId);
  assert.equal(list.items[0].expand.user.nickname, '단장님 팬');

  // the listed record, expand and all, sent back with new content
  const edited = await quotes.update(created.id, { ...list.items[0], content: '우리는 핑계를 대지 않습니다!' });
  assert.equal(edited.content, '우리는 핑계를 대지 않습니다!');
  assert.equal(edited.is_apply, false);
  const approve = await refusal(quotes.update(created.id, { ...list.items[0], is_apply: true }));
  assert.equal(approve.response.data.is_apply.code, 'validation_admin_only');

  // approved, it is public, and a guest's expand shows no user (users are private)
  await su.collection('quotes').update(created.id, { is_apply: true });
  const guest = client();
  const seen = await guest.collection('quotes').getFullList({ expand: 'user' });
  assert.deepEqual(seen.map((q) => q.id), [created.id]);
  assert.equal(seen[0].expand?.user, undefined);
  assert.equal((await su.collection('quotes').getList(1, 1, { expand: 'user', filter: `id = "${created.id}"` })).items[0].expand.user.id, authorId);

  await su.collection('quotes').delete(created.id);
  await quotes.delete(full.id);
});

/**
 * listen subscribes pb to quotes and chats and keeps every event it hears
 * as "collection action id", in order.
 */
async function listen(name, pb) {
  const heard = [];
  const records = [];
  let wake = () => {};
  const push = (e) => {
    heard.push(`${e.record.collectionName} ${e.action} ${e.record.id}`);
    records.push(e.record);
    wake();
  };
  await pb.collection('quotes').subscribe('*', push);
  await pb.collection('chats').subscribe('*', push);
  return {
    name,
    heard,
    seen: 0, // how many events a step has accounted for
    /**
     * expect waits for the next events, in any order within the step (the
     * server sends each on a goroutine of its own), and returns their records.
     */
    async expect(want, step) {
      const deadline = Date.now() + 10000;
      while (heard.length < this.seen + want.length) {
        const left = deadline - Date.now();
        assert.ok(left > 0, `${step}: ${name} expected ${JSON.stringify(want)}, heard ${JSON.stringify(heard.slice(this.seen))}`);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => { clearTimeout(timer); resolve(); };
        });
      }
      const got = heard.slice(this.seen, this.seen + want.length);
      const gotRecords = records.slice(this.seen, this.seen + want.length);
      this.seen += want.length;
      assert.deepEqual([...got].sort(), [...want].sort(), `${step}: ${name} heard otherwise`);
      return gotRecords;
    },
  };
}

test('realtime: each subscriber hears what it may see, and nothing else', async () => {
  const guest = await listen('guest', client());
  const writer = await listen('the author', authorPb);
  const another = await listen('another user', otherPb);
  const moderator = await listen('a superuser', su);
  const everyone = [guest, writer, another, moderator];
  let lastHeard = new Map(); // listener → the records it heard in the last step
  /** step runs a change, then waits until each hearer heard what it should. */
  async function step(name, change, hearers, events) {
    const result = await change();
    const want = typeof events === 'function' ? events(result) : events;
    lastHeard = new Map();
    for (const l of hearers) lastHeard.set(l, await l.expect(want, name));
    return result;
  }
  const quotes = (pb) => pb.collection('quotes');

  const pending = await step('the author submits', () => quotes(authorPb).create({ content: '실시간 대사' }),
    [writer, moderator], (q) => [`quotes create ${q.id}`]);
  const id = pending.id;
  await step('the author edits their pending quote', () => quotes(authorPb).update(id, { speaker: '백승수' }),
    [writer, moderator], [`quotes update ${id}`]);
  await step('a superuser edits the pending quote', () => quotes(su).update(id, { episode: 2 }),
    [writer, moderator], [`quotes update ${id}`]);
  await step('a superuser approves it', () => quotes(su).update(id, { is_apply: true }), everyone, [`quotes update ${id}`]);
  for (const [l, [record]] of lastHeard) {
    assert.equal(record.is_apply, true, `${l.name} heard the approval`);
    assert.notEqual(record.applied_at, '', `${l.name} heard the approval's date`);
  }
  await step('a superuser edits the approved quote', () => quotes(su).update(id, { speaker: '이세영' }),
    everyone, [`quotes update ${id}`]);
  await step('a superuser withdraws the approval', () => quotes(su).update(id, { is_apply: false }),
    [writer, moderator], [`quotes update ${id}`]);
  await step('a superuser deletes the pending quote', () => quotes(su).delete(id), [writer, moderator], [`quotes delete ${id}`]);
  const added = await step('a superuser adds an approved quote', () => quotes(su).create({ content: '모두의 대사', is_apply: true }),
    everyone, (q) => [`quotes create ${q.id}`]);
  await step('a superuser deletes it', () => quotes(su).delete(added.id), everyone, [`quotes delete ${added.id}`]);

  // chats: the server writes them; each reaches its owner only (and the
  // superusers, who see every record)
  const ask = (pb, content) => pb.send('/api/chat', { method: 'POST', body: { content } });
  const mine = await step('the author chats', () => ask(authorPb, '백승수 단장의 명대사는?'), [writer, moderator],
    (r) => [`chats create ${r.chat.id}`, `chats create ${r.reply.id}`, `chats update ${r.chat.id}`]);
  assert.equal(mine.chat.status, 'done');
  const done = lastHeard.get(writer).find((r) => r.id === mine.chat.id && r.status === 'done');
  assert.equal(done?.reply, mine.reply.id, 'the author heard the question answered');
  await step('another user chats', () => ask(otherPb, '드림즈는 어떤 팀인가요?'), [another, moderator],
    (r) => [`chats create ${r.chat.id}`, `chats create ${r.reply.id}`, `chats update ${r.chat.id}`]);
  await step('the author deletes their question, and its answer with it',
    () => authorPb.collection('chats').delete(mine.chat.id), [writer, moderator],
    [`chats delete ${mine.chat.id}`, `chats delete ${mine.reply.id}`]);

  // one last event for everyone: nobody heard anything in between
  await step('a last approved quote', () => quotes(su).create({ content: '마지막 대사', is_apply: true }),
    everyone, (q) => [`quotes create ${q.id}`]);
  for (const l of everyone) {
    assert.equal(l.heard.length, l.seen, `${l.name} heard more: ${JSON.stringify(l.heard.slice(l.seen))}`);
  }
  assert.ok(!guest.heard.some((e) => e.startsWith('chats')), 'a guest heard a chat');
  assert.ok(!another.heard.some((e) => e.includes(mine.chat.id)), 'another user heard the author\'s chat');
});
