import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SERVER, normalizeServerURL, originPattern, apiURL, jobPageURL, oauthStartURL,
  codeFromRedirect, isCapturableURL, pageKey, isLocalHost,
} from '../../lib/urls.js';

test('normalizeServerURL adds a scheme, drops trailing slashes', () => {
  assert.equal(normalizeServerURL('http://localhost:8765/'), 'http://localhost:8765');
  assert.equal(normalizeServerURL('  localhost:8765 '), 'http://localhost:8765');
  assert.equal(normalizeServerURL('127.0.0.1:9000'), 'http://127.0.0.1:9000');
  assert.equal(normalizeServerURL('vega.example.com'), 'https://vega.example.com');
  assert.equal(normalizeServerURL('https://example.com/vega//'), 'https://example.com/vega');
  assert.equal(normalizeServerURL('HTTPS://Example.COM'), 'https://example.com');
  assert.equal(normalizeServerURL(DEFAULT_SERVER), DEFAULT_SERVER);
});

test('normalizeServerURL rejects what is not a server address', () => {
  for (const bad of ['', '   ', 'ftp://example.com', 'javascript:alert(1)', 'http://', 'http://user:pw@example.com', 'http://example.com/?a=1', 'http://example.com/#x', 'http://exa mple.com']) {
    assert.throws(() => normalizeServerURL(bad), TypeError, bad);
  }
});

test('isLocalHost', () => {
  assert.ok(isLocalHost('localhost'));
  assert.ok(isLocalHost('127.0.0.1'));
  assert.ok(isLocalHost('[::1]'));
  assert.ok(isLocalHost('vega.localhost'));
  assert.ok(!isLocalHost('example.com'));
  assert.ok(!isLocalHost('127.example.com'));
});

test('originPattern ignores port and path', () => {
  assert.equal(originPattern('http://localhost:8765'), 'http://localhost/*');
  assert.equal(originPattern('https://example.com/vega'), 'https://example.com/*');
});

test('apiURL and jobPageURL', () => {
  assert.equal(apiURL('http://h:1/', '/api/jobs/capture'), 'http://h:1/api/jobs/capture');
  assert.equal(apiURL('http://h:1/base', 'health'), 'http://h:1/base/health');
  assert.equal(apiURL('http://h:1', '/api/jobs/lookup', { url: 'https://x.test/a?b=1&c=2' }), 'http://h:1/api/jobs/lookup?url=https%3A%2F%2Fx.test%2Fa%3Fb%3D1%26c%3D2');
  assert.equal(jobPageURL('http://h:1', 42), 'http://h:1/jobs/42');
  assert.equal(jobPageURL('http://h:1', 'a/b'), 'http://h:1/jobs/a%2Fb');
});

test('oauthStartURL adds client and redirect_uri to the provider start URL', () => {
  const redirect = 'https://abc.chromiumapp.org/';
  const u1 = new URL(oauthStartURL('http://h:1', { id: 'github', start_url: '/auth/github/start' }, redirect));
  assert.equal(u1.origin + u1.pathname, 'http://h:1/auth/github/start');
  assert.equal(u1.searchParams.get('client'), 'extension');
  assert.equal(u1.searchParams.get('redirect_uri'), redirect);
  const u2 = new URL(oauthStartURL('http://h:1', { id: 'google' }, redirect));
  assert.equal(u2.pathname, '/auth/google/start');
  const u3 = new URL(oauthStartURL('http://h:1', { id: 'x', start_url: 'http://h:1/auth/x/start?client=web' }, redirect));
  assert.equal(u3.searchParams.get('client'), 'extension');
  assert.equal(u3.searchParams.getAll('client').length, 1);
});

test('codeFromRedirect', () => {
  const r = 'https://abc.chromiumapp.org/';
  assert.equal(codeFromRedirect('https://abc.chromiumapp.org/?code=xyz', r), 'xyz');
  assert.equal(codeFromRedirect('https://abc.chromiumapp.org/#code=frag', r), 'frag');
  assert.throws(() => codeFromRedirect('https://abc.chromiumapp.org/?error=access_denied', r), /access_denied/);
  assert.throws(() => codeFromRedirect('https://abc.chromiumapp.org/', r), /did not return a code/);
  assert.throws(() => codeFromRedirect('https://evil.example/?code=xyz', r), /unexpected/);
});

test('isCapturableURL', () => {
  const server = 'http://localhost:8765';
  assert.ok(isCapturableURL('https://job-boards.greenhouse.io/gitlab/jobs/1', server));
  assert.ok(isCapturableURL('http://127.0.0.1:4000/page.html', server));
  assert.ok(isCapturableURL('http://localhost:9999/job', server), 'another port on the same host is another origin');
  for (const bad of ['chrome://extensions', 'about:addons', 'file:///tmp/a.html', 'chrome-extension://abc/popup.html', 'moz-extension://abc/popup.html', 'http://localhost:8765/jobs/3', 'https://chromewebstore.google.com/detail/x', 'https://addons.mozilla.org/x', 'not a url', undefined]) {
    assert.ok(!isCapturableURL(bad, server), String(bad));
  }
  // A server under a path: only that path is the server.
  assert.ok(isCapturableURL('https://example.com/jobs/1', 'https://example.com/vega'));
  assert.ok(!isCapturableURL('https://example.com/vega/jobs/1', 'https://example.com/vega'));
});

test('pageKey drops the fragment only', () => {
  assert.equal(pageKey('https://x.test/a?b=1#apply'), 'https://x.test/a?b=1');
  assert.equal(pageKey('garbage'), 'garbage');
});
