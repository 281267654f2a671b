import { ext, call, isFirefox } from './lib/browser.js';
import { normalizeServerURL, originPattern, oauthStartURL, codeFromRedirect } from './lib/urls.js';

const $ = (id) => document.getElementById(id);

function say(id, text, tone = '') {
  const el = $(id);
  el.textContent = text || '';
  el.style.color = tone === 'ok' ? 'var(--ok)' : tone === 'bad' ? 'var(--bad)' : tone === 'warn' ? 'var(--warn)' : '';
}

/** The address in the box, normalised, or null with the reason shown. */
function typedServer() {
  try {
    const s = normalizeServerURL($('server').value);
    $('server').value = s;
    return s;
  } catch (err) {
    say('server-state', err.message, 'bad');
    return null;
  }
}

/**
 * Asks for access to the server's origin. Must run synchronously inside the
 * click handler: both browsers want a user gesture for permissions.request.
 */
function requestAccess(server) {
  return ext.permissions.request({ origins: [originPattern(server)] }).then((granted) => {
    if (!granted) throw Object.assign(new Error(`Vega needs your permission to reach ${new URL(server).origin}. Press Connect and allow it.`), { kind: 'permission' });
    return true;
  });
}

async function connect(server, { testOnly = false } = {}) {
  say('server-state', 'Connecting…');
  await call('testConnection', { server });
  if (!testOnly) {
    const before = await call('state');
    const r = await call('setServer', { server });
    if (r.changed) {
      say('account-state', 'Server changed: sign in to the new server.', 'warn');
      // Give back access to the old server's origin (not possible for
      // origins the manifest requires, hence the catch).
      if (originPattern(before.server) !== originPattern(server)) {
        await ext.permissions.remove({ origins: [originPattern(before.server)] }).catch(() => {});
      }
    }
  }
  say('server-state', testOnly ? `Vega answered at ${server}.` : `Connected to ${server}.`, 'ok');
  if (!testOnly) await render();
}

function guard(id, fn) {
  return (ev) => {
    ev?.preventDefault?.();
    fn(ev).catch((err) => say(id, err.message || String(err), 'bad'));
  };
}

async function render() {
  const st = await call('state');
  if (document.activeElement !== $('server')) $('server').value = st.server;
  show($('signed-in'), st.signedIn);
  show($('login'), !st.signedIn);
  $('who').textContent = st.username || (st.provider ? `(${st.provider} account)` : '(signed in)');
  $('where').textContent = st.server;
  $('dashboard').href = st.server.replace(/\/+$/, '') + '/';
  if (!st.serverPermission) say('server-state', 'Press Connect to let the extension reach this server.', 'warn');
  const tabs = await ext.permissions.contains({ permissions: ['tabs'] });
  $('watch-tabs').checked = tabs;
  if (!st.signedIn && st.serverPermission) loadProviders();
  return st;
}

function show(el, on) {
  el.classList.toggle('hidden', !on);
}

async function loadProviders() {
  const box = $('providers');
  box.querySelectorAll('button').forEach((b) => b.remove());
  let list = [];
  try {
    list = await call('providers');
  } catch {
    list = [];
  }
  for (const p of list) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = `Sign in with ${p.name || p.id}`;
    b.addEventListener('click', () => oauth(p));
    box.append(b);
  }
  show(box, list.length > 0);
}

function oauth(provider) {
  const server = typedServer();
  if (!server) return;
  const access = requestAccess(server);
  guard('account-state', async () => {
    await access;
    await call('setServer', { server });
    const redirectURI = ext.identity.getRedirectURL();
    say('account-state', `Signing in with ${provider.name || provider.id}…`);
    const redirected = await ext.identity.launchWebAuthFlow({ url: oauthStartURL(server, provider, redirectURI), interactive: true });
    const code = codeFromRedirect(redirected, redirectURI);
    await call('exchange', { code, provider: provider.id });
    say('account-state', 'Signed in.', 'ok');
    await render();
  })();
}

function init() {
  $('connect').addEventListener('click', (ev) => {
    const server = typedServer();
    if (!server) return;
    const access = requestAccess(server);
    guard('server-state', async () => {
      await access;
      await connect(server);
    })(ev);
  });

  $('test').addEventListener('click', (ev) => {
    const server = typedServer();
    if (!server) return;
    const access = requestAccess(server);
    guard('server-state', async () => {
      await access;
      await connect(server, { testOnly: true });
    })(ev);
  });

  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const server = typedServer();
    if (!server) return;
    const access = requestAccess(server);
    $('signin').disabled = true;
    guard('account-state', async () => {
      try {
        await access;
        await call('setServer', { server });
        say('account-state', 'Signing in…');
        const r = await call('login', { username: $('username').value, password: $('password').value });
        $('password').value = '';
        say('account-state', `Signed in as ${r.username}.`, 'ok');
        await render();
      } finally {
        $('signin').disabled = false;
      }
    })();
  });

  $('logout').addEventListener(
    'click',
    guard('account-state', async () => {
      const r = await call('logout');
      if (r.revoked) say('account-state', 'Signed out.', 'ok');
      else say('account-state', 'Signed out in this browser, but the server could not be told: ' + r.message, 'warn');
      await render();
    }),
  );

  $('watch-tabs').addEventListener('change', (ev) => {
    const want = ev.target.checked;
    const p = want ? ext.permissions.request({ permissions: ['tabs'] }) : ext.permissions.remove({ permissions: ['tabs'] });
    p.then(() => render()).catch(() => render());
  });

  if (isFirefox) $('shortcut-settings').textContent = 'about:addons → ⚙ → Manage Extension Shortcuts';
  ext.commands
    .getAll()
    .then((cmds) => {
      const s = cmds.find((c) => c.name === 'save-job')?.shortcut;
      if (s) $('shortcut').textContent = s;
    })
    .catch(() => {});

  render().catch((err) => say('server-state', err.message, 'bad'));
}

init();
