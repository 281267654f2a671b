import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox, backoffDelay, DEFAULT_SCHEDULE, PENDING, WAITING_SIGN_IN, FAILED, OutboxFullError } from '../../lib/outbox.js';
import { memoryStore } from './fakes.js';

const err = (kind, retryable = false) => Object.assign(new Error(kind), { kind, retryable });

function setup(opts = {}) {
  let now = 1_000_000;
  let ids = 0;
  const storage = memoryStore();
  const ob = new Outbox({ storage, now: () => now, newId: () => 'id' + ++ids, ...opts });
  return { ob, storage, advance: (ms) => (now += ms), now: () => now };
}

test('backoff follows the schedule, then stays at its last step', () => {
  assert.equal(backoffDelay(1), 30_000);
  assert.equal(backoffDelay(2), 60_000);
  assert.equal(backoffDelay(7), 3_600_000);
  assert.equal(backoffDelay(50), 3_600_000);
  assert.equal(backoffDelay(0), 30_000);
  const delays = DEFAULT_SCHEDULE.map((_, i) => backoffDelay(i + 1));
  assert.deepEqual([...delays].sort((a, b) => a - b), delays, 'never shrinks');
});

test('add keeps the save in storage with its first retry time', async () => {
  const { ob, storage, now } = setup();
  const item = await ob.add({ url: 'https://j/1', html: '<p>', notes: 'n', title: 'Job' }, err('network', true));
  assert.equal(item.state, PENDING);
  assert.equal(item.attempts, 1);
  assert.equal(item.next_at, now() + 30_000);
  assert.equal(item.last_error.kind, 'network');
  assert.equal((await storage.get('outbox')).length, 1);
  assert.equal((await storage.get('outbox'))[0].html, '<p>', 'the HTML is kept for the retry');
});

test('a second save of the same URL replaces the first, keeping its id', async () => {
  const { ob } = setup();
  const a = await ob.add({ url: 'https://j/1', html: 'old' }, err('network', true));
  const b = await ob.add({ url: 'https://j/1', html: 'new', notes: 'x' }, err('network', true));
  assert.equal(a.id, b.id);
  const list = await ob.list();
  assert.equal(list.length, 1);
  assert.equal(list[0].html, 'new');
});

test('an auth failure waits for sign-in, not for the clock', async () => {
  const { ob, advance } = setup();
  await ob.add({ url: 'https://j/1', html: 'x' }, err('auth'));
  assert.equal((await ob.list())[0].state, WAITING_SIGN_IN);
  assert.equal(await ob.nextDue(), null, 'no alarm while signed out');
  advance(10 * 3_600_000);
  let sent = 0;
  assert.deepEqual(await ob.flush(async () => sent++), []);
  await ob.wake();
  assert.equal((await ob.list())[0].state, PENDING);
  const out = await ob.flush(async () => ({ created: true }));
  assert.equal(out.length, 1);
  assert.equal((await ob.list()).length, 0);
});

test('flush sends only what is due; failures back off; success removes', async () => {
  const { ob, advance } = setup();
  await ob.add({ url: 'https://j/1', html: 'x' }, err('network', true));
  const sent = [];
  let fail = err('network', true);
  const send = async (item) => {
    sent.push(item.url);
    if (fail) throw fail;
    return { created: true, job: { id: 7 } };
  };
  assert.deepEqual(await ob.flush(send), [], 'not due yet');
  advance(30_000);
  let out = await ob.flush(send);
  assert.equal(out.length, 1);
  assert.equal(out[0].error.kind, 'network');
  let [it] = await ob.list();
  assert.equal(it.attempts, 2);
  assert.equal(it.next_at, 1_000_000 + 30_000 + 60_000, 'second retry after one minute');
  advance(60_000);
  fail = err('server', true);
  await ob.flush(send);
  [it] = await ob.list();
  assert.equal(it.attempts, 3);
  assert.equal(it.state, PENDING);
  assert.equal(it.last_error.kind, 'server');
  advance(120_000);
  fail = null;
  out = await ob.flush(send);
  assert.equal(out[0].result.job.id, 7);
  assert.deepEqual(await ob.list(), []);
  assert.equal(await ob.nextDue(), null);
  assert.equal(sent.length, 3);
});

test('a refusal (not a job page) stops the retries until the user acts', async () => {
  const { ob, advance } = setup();
  await ob.add({ url: 'https://j/1', html: 'x' }, err('network', true));
  advance(30_000);
  await ob.flush(async () => {
    throw err('not_job');
  });
  const [it] = await ob.list();
  assert.equal(it.state, FAILED);
  assert.equal(await ob.nextDue(), null);
  advance(10 * 3_600_000);
  let tries = 0;
  await ob.flush(async () => tries++);
  assert.equal(tries, 0, 'not retried automatically');
  assert.equal((await ob.list()).length, 1, 'but not dropped either');
  // Retry by hand (force) or discard.
  await ob.flush(async () => ({ created: true }), { ids: [it.id] });
  assert.equal((await ob.list()).length, 0);
});

test('a network failure stops the round: the rest wait for the next one', async () => {
  const { ob, advance } = setup();
  for (const i of [1, 2, 3]) await ob.add({ url: 'https://j/' + i, html: 'x' }, err('network', true));
  advance(30_000);
  let tries = 0;
  const out = await ob.flush(async () => {
    tries++;
    throw err('network', true);
  });
  assert.equal(tries, 1);
  assert.equal(out.length, 1);
  // Force sends everything (the popup's "Retry now").
  const all = await ob.flush(async () => ({ created: true }), { force: true });
  assert.equal(all.length, 3);
});

test('discard removes one save', async () => {
  const { ob } = setup();
  const a = await ob.add({ url: 'https://j/1', html: 'x' }, err('network', true));
  await ob.add({ url: 'https://j/2', html: 'x' }, err('network', true));
  assert.equal(await ob.discard(a.id), true);
  assert.equal(await ob.discard(a.id), false);
  assert.deepEqual((await ob.list()).map((i) => i.url), ['https://j/2']);
});

test('nextDue is the earliest pending retry', async () => {
  const { ob, advance, now } = setup();
  await ob.add({ url: 'https://j/1', html: 'x' }, err('network', true));
  const t1 = now() + 30_000;
  advance(5_000);
  await ob.add({ url: 'https://j/2', html: 'x' }, err('network', true));
  assert.equal(await ob.nextDue(), t1);
});

test('concurrent adds are not lost', async () => {
  const { ob } = setup();
  await Promise.all(Array.from({ length: 20 }, (_, i) => ob.add({ url: 'https://j/' + i, html: 'x' }, err('network', true))));
  assert.equal((await ob.list()).length, 20);
});

test('concurrent flushes share one round (no double delivery)', async () => {
  const { ob, advance } = setup();
  await ob.add({ url: 'https://j/1', html: 'x' }, err('network', true));
  advance(30_000);
  let sends = 0;
  const send = async () => {
    sends++;
    await new Promise((r) => setTimeout(r, 10));
    return { created: true };
  };
  await Promise.all([ob.flush(send), ob.flush(send), ob.flush(send)]);
  assert.equal(sends, 1);
});

test('the outbox refuses to grow past its size limit, loudly', async () => {
  const { ob } = setup({ maxBytes: 10 });
  await ob.add({ url: 'https://j/1', html: '12345678' }, err('network', true));
  await assert.rejects(ob.add({ url: 'https://j/2', html: '12345' }, err('network', true)), OutboxFullError);
  // Replacing the same URL counts only the new copy.
  await ob.add({ url: 'https://j/1', html: '1234567890' }, err('network', true));
});

test('summary leaves the HTML out', async () => {
  const { ob } = setup();
  await ob.add({ url: 'https://j/1', html: '<html>big</html>', title: 'T' }, err('network', true));
  const [s] = await ob.summary();
  assert.equal(s.html, undefined);
  assert.equal(s.bytes, 16);
  assert.equal(s.title, 'T');
});
