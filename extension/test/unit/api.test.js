import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, ApiError, describeError } from '../../lib/api.js';
import { fakeVega, tokenStore } from './fakes.js';

const SERVER = 'http://vega.test:8765';

function setup(opts = {}) {
  const vega = fakeVega(opts);
  const tokens = tokenStore();
  let signedOut = 0;
  const client = createClient({ fetch: vega.fetch, getServer: async () => SERVER, tokens, onSignedOut: () => signedOut++, ...opts.client });
  return { vega, tokens, client, signedOut: () => signedOut };
}

test('health accepts only a Vega server', async () => {
  const { client } = setup();
  assert.equal(await client.health(), true);
  const other = createClient({ fetch: async () => new Response('<html>hello</html>', { status: 200 }), getServer: async () => SERVER, tokens: tokenStore() });
  await assert.rejects(other.health(), (e) => e.kind === 'http' && /not like a Vega server/.test(e.message));
});

test('network failures are "network" errors and retryable', async () => {
  const { vega, client } = setup();
  vega.state.down = true;
  await assert.rejects(client.health(), (e) => e instanceof ApiError && e.kind === 'network' && e.retryable);
  assert.match(describeError({ kind: 'network' }), /Server unreachable/);
});

test('no server configured is a config error', async () => {
  const client = createClient({ fetch: fakeVega().fetch, getServer: async () => '', tokens: tokenStore() });
  await assert.rejects(client.health(), (e) => e.kind === 'config');
});

test('login stores the pair and the user name; wrong password is an auth error', async () => {
  const { client, tokens } = setup();
  await assert.rejects(client.login('alice', 'nope'), (e) => e.kind === 'auth' && e.message === 'wrong username or password');
  assert.equal(await tokens.get(), undefined);
  await client.login('alice', 'pw');
  const t = await tokens.get();
  assert.equal(t.token, 'a1');
  assert.equal(t.refresh_token, 'r1');
  assert.equal(t.username, 'alice');
});

test('capture sends Bearer token, url, html and optional fields', async () => {
  const { client, vega } = setup();
  await client.login('alice', 'pw');
  const r = await client.capture({ url: 'https://jobs.test/1', html: '<html></html>', notes: 'n', status: 'applied' });
  assert.equal(r.created, true);
  assert.equal(r.job.company.name, 'ACME');
  const call = vega.state.calls.at(-1);
  assert.equal(call.auth, 'a1');
  assert.deepEqual(call.body, { url: 'https://jobs.test/1', html: '<html></html>', notes: 'n', status: 'applied' });
  const again = await client.capture({ url: 'https://jobs.test/1', html: '<html></html>' });
  assert.equal(again.created, false);
  assert.deepEqual(vega.state.calls.at(-1).body, { url: 'https://jobs.test/1', html: '<html></html>' });
});

test('capture errors are classified', async () => {
  const { client, vega } = setup();
  await client.login('alice', 'pw');
  const cases = [
    [422, { error: 'not a job page', reason: 'no job posting found' }, 'not_job', false, /Not a job page.*no job posting found/],
    [400, { error: 'invalid', fields: { url: 'required' } }, 'invalid', false, /url: required/],
    [413, { error: 'too large' }, 'too_large', false, /too large/],
    [500, { error: 'database is locked' }, 'server', true, /database is locked/],
    [503, { error: 'shutting down' }, 'server', true, /retried/],
    [429, { error: 'slow down' }, 'rate', true, /Too many/],
  ];
  for (const [status, body, kind, retryable, text] of cases) {
    vega.state.nextCapture = { status, body };
    await assert.rejects(client.capture({ url: 'https://jobs.test/x', html: 'x' }), (e) => {
      assert.equal(e.kind, kind, `status ${status}`);
      assert.equal(e.retryable, retryable, `status ${status}`);
      assert.equal(e.status, status);
      assert.match(describeError(e), text);
      return true;
    });
  }
});

test('a 401 refreshes once and retries', async () => {
  const { client, vega, tokens } = setup();
  await client.login('alice', 'pw');
  vega.state.access.clear(); // the access token expired on the server
  const r = await client.capture({ url: 'https://jobs.test/2', html: 'x' });
  assert.equal(r.created, true);
  const t = await tokens.get();
  assert.equal(t.token, 'a2');
  assert.equal(t.refresh_token, 'r2');
  assert.equal(t.username, 'alice', 'refresh keeps the user name');
  const paths = vega.state.calls.map((c) => c.path);
  assert.deepEqual(paths, ['/api/auth/login', '/api/jobs/capture', '/api/auth/refresh', '/api/jobs/capture']);
});

test('concurrent 401s share one refresh (rotation would otherwise revoke the chain)', async () => {
  const { client, vega, tokens } = setup({ delayMs: 5 });
  await client.login('alice', 'pw');
  vega.state.access.clear();
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => client.capture({ url: 'https://jobs.test/c' + i, html: 'x' })));
  assert.equal(results.length, 8);
  assert.ok(results.every((r) => r.created));
  const refreshes = vega.state.calls.filter((c) => c.path === '/api/auth/refresh');
  assert.equal(refreshes.length, 1, 'exactly one refresh');
  assert.equal(vega.state.revoked, false);
  assert.equal((await tokens.get()).refresh_token, 'r2');
});

test('a 401 after someone else refreshed uses the new token without refreshing again', async () => {
  const { client, vega, tokens } = setup();
  await client.login('alice', 'pw');
  // Simulate: request A read token a1, then another context refreshed.
  let first = true;
  const origGet = tokens.get;
  tokens.get = async () => {
    const t = await origGet();
    if (first) {
      first = false;
      vega.state.access.delete('a1');
      const pair = vega.issue();
      vega.state.refresh.set('r1', 'used');
      await tokens.set(pair);
    }
    return t;
  };
  const r = await client.capture({ url: 'https://jobs.test/3', html: 'x' });
  assert.equal(r.created, true);
  assert.equal(vega.state.calls.filter((c) => c.path === '/api/auth/refresh').length, 0);
  assert.equal(vega.state.revoked, false);
});

test('a refused refresh signs out and asks to sign in again', async () => {
  const { client, vega, tokens, signedOut } = setup();
  await client.login('alice', 'pw');
  vega.state.access.clear();
  vega.state.refresh.clear();
  await assert.rejects(client.capture({ url: 'https://jobs.test/4', html: 'x' }), (e) => e.kind === 'auth' && /sign in/i.test(describeError(e)));
  assert.equal(await tokens.get(), undefined);
  assert.equal(signedOut(), 1);
});

test('refresh that cannot reach the server keeps the tokens', async () => {
  const { client, vega, tokens } = setup();
  await client.login('alice', 'pw');
  vega.state.access.clear();
  const realFetch = vega.fetch;
  const fetchCalls = [];
  const flaky = createClient({
    fetch: async (url, init) => {
      fetchCalls.push(url);
      if (String(url).endsWith('/api/auth/refresh')) throw new TypeError('fetch failed');
      return realFetch(url, init);
    },
    getServer: async () => SERVER,
    tokens,
  });
  await assert.rejects(flaky.capture({ url: 'https://jobs.test/5', html: 'x' }), (e) => e.kind === 'network');
  assert.equal((await tokens.get()).refresh_token, 'r1');
});

test('an expired access token is refreshed before the request', async () => {
  const vega = fakeVega();
  const tokens = tokenStore();
  let now = Date.now();
  const client = createClient({ fetch: vega.fetch, getServer: async () => SERVER, tokens, now: () => now });
  await client.login('alice', 'pw');
  now += 3600_000;
  await client.capture({ url: 'https://jobs.test/6', html: 'x' });
  assert.deepEqual(vega.state.calls.map((c) => c.path), ['/api/auth/login', '/api/auth/refresh', '/api/jobs/capture']);
});

test('not signed in is an auth error without a request', async () => {
  const { client, vega } = setup();
  await assert.rejects(client.capture({ url: 'https://jobs.test/7', html: 'x' }), (e) => e.kind === 'auth');
  assert.equal(vega.state.calls.length, 0);
});

test('lookup returns the job or null; updateJob patches', async () => {
  const { client } = setup();
  await client.login('alice', 'pw');
  assert.equal(await client.lookup('https://jobs.test/8'), null);
  const { job } = await client.capture({ url: 'https://jobs.test/8', html: 'x' });
  const found = await client.lookup('https://jobs.test/8');
  assert.equal(found.id, job.id);
  const updated = await client.updateJob(job.id, { status: 'applied', notes: 'sent CV' });
  assert.equal(updated.status, 'applied');
  assert.equal(updated.notes, 'sent CV');
});

test('logout revokes the refresh token and forgets the pair', async () => {
  const { client, vega, tokens } = setup();
  await client.login('alice', 'pw');
  await client.logout();
  assert.equal(await tokens.get(), undefined);
  const call = vega.state.calls.at(-1);
  assert.equal(call.path, '/api/auth/logout');
  assert.deepEqual(call.body, { refresh_token: 'r1' });
  assert.equal(vega.state.refresh.has('r1'), false);
});

test('OAuth exchange stores the pair; providers list', async () => {
  const { client, tokens } = setup();
  assert.deepEqual((await client.providers()).map((p) => p.id), ['github']);
  await assert.rejects(client.exchange('bad'), (e) => e.kind === 'invalid');
  await client.exchange('good-code', { provider: 'github' });
  assert.equal((await tokens.get()).provider, 'github');
  assert.ok((await tokens.get()).token);
});
