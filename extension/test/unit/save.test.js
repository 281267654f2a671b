import { test } from 'node:test';
import assert from 'node:assert/strict';
import { savePage, notesFor, SAVED, ALREADY_SAVED, QUEUED, FAILED } from '../../lib/save.js';
import { createClient } from '../../lib/api.js';
import { Outbox } from '../../lib/outbox.js';
import { fakeVega, tokenStore, memoryStore } from './fakes.js';

async function setup() {
  const vega = fakeVega();
  const api = createClient({ fetch: vega.fetch, getServer: async () => 'http://vega.test', tokens: tokenStore() });
  await api.login('alice', 'pw');
  const outbox = new Outbox({ storage: memoryStore() });
  return { vega, api, outbox };
}

const page = { url: 'https://jobs.test/1#apply', html: '<html>job</html>', title: 'Job', selection: '' };

test('saved, then already saved', async () => {
  const { api, outbox, vega } = await setup();
  const first = await savePage({ api, outbox, page });
  assert.equal(first.outcome, SAVED);
  assert.equal(first.job.title, 'Engineer');
  assert.equal(vega.state.calls.at(-1).body.url, 'https://jobs.test/1', 'fragment dropped');
  const second = await savePage({ api, outbox, page });
  assert.equal(second.outcome, ALREADY_SAVED);
  assert.equal(second.job.id, first.job.id);
  assert.deepEqual(await outbox.list(), []);
});

test('server down: queued, with a message that says what to do', async () => {
  const { api, outbox, vega } = await setup();
  vega.state.down = true;
  const r = await savePage({ api, outbox, page });
  assert.equal(r.outcome, QUEUED);
  assert.match(r.message, /Server unreachable/);
  const [item] = await outbox.list();
  assert.equal(item.url, 'https://jobs.test/1');
  assert.equal(item.html, page.html);
  assert.equal(item.title, 'Job');
});

test('server error: queued; not a job page: an error, not queued', async () => {
  const { api, outbox, vega } = await setup();
  vega.state.nextCapture = { status: 500, body: { error: 'boom' } };
  assert.equal((await savePage({ api, outbox, page })).outcome, QUEUED);
  vega.state.nextCapture = { status: 422, body: { error: 'not a job page', reason: 'blocked by a bot check' } };
  const r = await savePage({ api, outbox, page: { ...page, url: 'https://jobs.test/blocked' } });
  assert.equal(r.outcome, FAILED);
  assert.match(r.message, /Not a job page.*bot check/);
  assert.equal((await outbox.list()).length, 1);
});

test('signed out: queued until sign-in, told to sign in again', async () => {
  const vega = fakeVega();
  const api = createClient({ fetch: vega.fetch, getServer: async () => 'http://vega.test', tokens: tokenStore() });
  const outbox = new Outbox({ storage: memoryStore() });
  const r = await savePage({ api, outbox, page });
  assert.equal(r.outcome, QUEUED);
  assert.match(r.message, /Sign in again/);
  assert.equal((await outbox.list())[0].state, 'signin');
});

test('a page over 10 MiB is refused before sending', async () => {
  const { api, outbox, vega } = await setup();
  const calls = vega.state.calls.length;
  const r = await savePage({ api, outbox, page: { ...page, html: 'x'.repeat(10 * 1024 * 1024 + 1) } });
  assert.equal(r.outcome, FAILED);
  assert.match(r.message, /too large/);
  assert.equal(vega.state.calls.length, calls);
});

test('the selection becomes the notes unless the user wrote some', async () => {
  assert.equal(notesFor({ notes: '', selection: '' }), '');
  assert.equal(notesFor({ notes: ' mine ', selection: 'sel' }), 'mine');
  assert.equal(notesFor({ selection: '  Salary: 100k ' }), 'Selected on the page:\nSalary: 100k');
  const { api, outbox, vega } = await setup();
  await savePage({ api, outbox, page: { ...page, selection: 'Visa sponsorship available' } });
  assert.match(vega.state.calls.at(-1).body.notes, /Visa sponsorship available/);
});
