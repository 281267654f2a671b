// Vega's background: Chrome runs it as the MV3 service worker, Firefox as an
// event page (background.scripts). Every call to the server goes through
// here, so there is one API client, one token refresh in flight and one
// outbox writer, whichever page (popup, options, shortcut, menu) asks.

import { ext, menus, localStore } from './lib/browser.js';
import { createClient, describeError } from './lib/api.js';
import { Outbox, PENDING } from './lib/outbox.js';
import { savePage, SAVED, ALREADY_SAVED, QUEUED, FAILED } from './lib/save.js';
import { DEFAULT_SERVER, normalizeServerURL, isCapturableURL, pageKey, jobPageURL, originPattern } from './lib/urls.js';

const MENU_ID = 'vega-save-page';
const ALARM = 'vega-outbox';

// ---------------------------------------------------------------- settings

async function getServer() {
  return (await localStore.get('server')) || DEFAULT_SERVER;
}

const tokens = {
  get: () => localStore.get('auth'),
  async set(pair) {
    const cur = (await localStore.get('auth')) || {};
    await localStore.set('auth', { ...cur, ...pair });
  },
  clear: () => localStore.remove('auth'),
};

const api = createClient({ fetch: (...a) => fetch(...a), getServer, tokens });
const outbox = new Outbox({ storage: localStore });

async function hasServerPermission(server) {
  try {
    return await ext.permissions.contains({ origins: [originPattern(server || (await getServer()))] });
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------- badge

const BADGES = {
  [SAVED]: { text: '✓', color: '#15803d', title: 'Saved to Vega' },
  [ALREADY_SAVED]: { text: '✓', color: '#1d4ed8', title: 'Already saved in Vega' },
  [QUEUED]: { text: '…', color: '#b45309', title: 'Waiting to be sent to Vega' },
  [FAILED]: { text: '!', color: '#b91c1c', title: 'Vega could not save this page' },
};

async function setTabBadge(tabId, outcome, detail) {
  if (tabId == null || tabId < 0) return;
  const b = BADGES[outcome];
  try {
    if (!b) {
      await ext.action.setBadgeText({ tabId, text: '' });
      await ext.action.setTitle({ tabId, title: '' });
      return;
    }
    await ext.action.setBadgeText({ tabId, text: b.text });
    await ext.action.setBadgeBackgroundColor({ tabId, color: b.color });
    if (ext.action.setBadgeTextColor) await ext.action.setBadgeTextColor({ tabId, color: '#ffffff' });
    await ext.action.setTitle({ tabId, title: detail ? `${b.title}: ${detail}` : b.title });
  } catch {
    // The tab may have closed meanwhile.
  }
}

/** The window-wide badge counts the saves waiting in the outbox. */
async function updateOutboxBadge() {
  const items = await outbox.list();
  const n = items.length;
  await ext.action.setBadgeText({ text: n ? String(n) : '' });
  if (n) {
    await ext.action.setBadgeBackgroundColor({ color: '#b45309' });
    await ext.action.setTitle({ title: `Vega: ${n} save${n === 1 ? '' : 's'} waiting to be sent` });
  } else {
    await ext.action.setTitle({ title: 'Save this job to Vega' });
  }
}

// -------------------------------------------------------------------- save

/** Runs in the page: the rendered DOM, the address and the selection. */
function capturePage() {
  const dt = document.doctype ? new XMLSerializer().serializeToString(document.doctype) + '\n' : '';
  return {
    url: location.href,
    title: document.title,
    html: dt + document.documentElement.outerHTML,
    selection: String(window.getSelection ? window.getSelection() : ''),
  };
}

async function readPage(tabId) {
  let results;
  try {
    results = await ext.scripting.executeScript({ target: { tabId }, func: capturePage });
  } catch (err) {
    const e = new Error(
      'Vega cannot read this page (' + (err?.message || err) + '). Click the Vega button or press the shortcut on the job page itself; browser pages and web stores cannot be saved.',
    );
    e.kind = 'unreadable';
    throw e;
  }
  const page = results?.[0]?.result;
  if (!page?.html) {
    const e = new Error('Vega could not read this page’s content. Reload the page and try again.');
    e.kind = 'unreadable';
    throw e;
  }
  return page;
}

async function recordResult(tab, url, result) {
  const last = {
    tabId: tab?.id ?? null,
    url,
    outcome: result.outcome,
    job: result.job || null,
    message: result.message || '',
    error: result.error || null,
    at: Date.now(),
  };
  await localStore.set('last_result', last);
  await setTabBadge(tab?.id, result.outcome, result.job?.title || result.message);
  if (result.outcome === QUEUED) await scheduleOutbox();
  await updateOutboxBadge();
  if (result.job) lookupCache.set(pageKey(url), { at: Date.now(), saved: true });
}

/** Saves a tab's page. Used by the popup, the shortcut and the menu. */
async function saveTab(tabOrId, { notes, status, selection } = {}) {
  const tab = typeof tabOrId === 'number' ? await ext.tabs.get(tabOrId) : tabOrId;
  if (!tab?.id) throw new Error('No tab to save.');
  const server = await getServer();
  if (tab.url && !isCapturableURL(tab.url, server)) {
    const result = { outcome: FAILED, error: { kind: 'unreadable' }, message: 'This is not a web page Vega can save. Open the job posting and try again.' };
    await recordResult(tab, tab.url, result);
    return result;
  }
  let page;
  try {
    page = await readPage(tab.id);
  } catch (err) {
    const result = { outcome: FAILED, error: { kind: err.kind || 'error', message: err.message }, message: err.message };
    await recordResult(tab, tab.url || '', result);
    return result;
  }
  if (selection && !page.selection) page.selection = selection;
  const result = await savePage({ api, outbox, page, notes, status });
  if (result.outcome === QUEUED && result.error?.kind === 'network' && !(await hasServerPermission(server))) {
    result.message = `Vega has no permission to reach ${server}: open Options and press Connect. The page is kept and will be sent once it can be.`;
  } else if (result.outcome === QUEUED) {
    result.message += ' The page is kept in the outbox.';
  }
  await recordResult(tab, page.url, result);
  return result;
}

async function activeTab() {
  const [tab] = await ext.tabs.query({ active: true, lastFocusedWindow: true });
  if (tab) return tab;
  const [any] = await ext.tabs.query({ active: true, currentWindow: true });
  return any;
}

async function saveActiveTab(opts) {
  const tab = await activeTab();
  if (!tab) throw new Error('No active tab.');
  return saveTab(tab, opts);
}

// ------------------------------------------------------------------ outbox

async function scheduleOutbox() {
  const due = await outbox.nextDue();
  if (due == null) {
    await ext.alarms.clear(ALARM);
    return null;
  }
  // Chrome runs alarms at most every 30 s; an earlier time just fires then.
  const when = Math.max(due, Date.now() + 1000);
  await ext.alarms.create(ALARM, { when });
  return when;
}

/** Sends what is due in the outbox (everything with force, or the given ids). */
async function flushOutbox({ force = false, ids } = {}) {
  const outcomes = await outbox.flush(
    (item) => api.capture({ url: item.url, html: item.html, notes: item.notes, status: item.status }),
    { force, ids },
  );
  const report = [];
  for (const o of outcomes) {
    const { html, ...item } = o.item;
    if (o.result) {
      report.push({ item, outcome: o.result.created ? SAVED : ALREADY_SAVED, job: o.result.job });
      lookupCache.set(pageKey(item.url), { at: Date.now(), saved: true });
      await localStore.set('last_delivered', { url: item.url, job: o.result.job, created: o.result.created, at: Date.now() });
      // Tabs still showing the page trade their "…" for the result (best
      // effort: the address of a tab is visible only with access to it).
      const tabs = await ext.tabs.query({}).catch(() => []);
      for (const t of tabs) {
        if (t.url && pageKey(t.url) === item.url) await setTabBadge(t.id, o.result.created ? SAVED : ALREADY_SAVED, o.result.job?.title);
      }
    } else {
      report.push({ item, outcome: 'error', error: { kind: o.error?.kind, message: o.error?.message }, message: describeError(o.error) });
    }
  }
  await scheduleOutbox();
  await updateOutboxBadge();
  return report;
}

async function onAlarm(alarm) {
  if (alarm?.name === ALARM) return flushOutbox();
  return null;
}

// ------------------------------------------------------ already-saved badge

const lookupCache = new Map(); // page key -> {at, saved}
const LOOKUP_TTL = 60_000;

/**
 * Marks the tab's button when its page is saved already. The background sees
 * a tab's URL only with host access to it: after a click (activeTab), for the
 * server's own origin, or with the optional "tabs" permission.
 */
async function refreshTabBadge(tabId, url) {
  const server = await getServer();
  if (!url || !isCapturableURL(url, server)) return null;
  const auth = await tokens.get();
  if (!auth?.refresh_token) return null;
  const key = pageKey(url);
  let hit = lookupCache.get(key);
  if (!hit || Date.now() - hit.at > LOOKUP_TTL) {
    try {
      const job = await api.lookup(key);
      hit = { at: Date.now(), saved: !!job, job };
    } catch {
      return null; // offline or signed out: say nothing
    }
    lookupCache.set(key, hit);
  }
  await setTabBadge(tabId, hit.saved ? ALREADY_SAVED : null);
  return hit.saved;
}

// ---------------------------------------------------------------- messages

async function state() {
  const server = await getServer();
  const auth = (await tokens.get()) || null;
  return {
    server,
    defaultServer: DEFAULT_SERVER,
    serverPermission: await hasServerPermission(server),
    signedIn: !!auth?.refresh_token,
    username: auth?.username || '',
    provider: auth?.provider || '',
    outbox: await outbox.summary(),
    last: (await localStore.get('last_result')) || null,
  };
}

async function afterSignIn() {
  lookupCache.clear();
  await outbox.wake();
  // Deliver what waited for the sign-in, without holding up the answer.
  flushOutbox().catch(() => {});
}

const handlers = {
  state,
  save: ({ tabId, notes, status }) => (tabId != null ? saveTab(tabId, { notes, status }) : saveActiveTab({ notes, status })),
  async lookup({ url, tabId }) {
    const job = await api.lookup(pageKey(url));
    lookupCache.set(pageKey(url), { at: Date.now(), saved: !!job });
    if (tabId != null) await setTabBadge(tabId, job ? ALREADY_SAVED : null);
    return job;
  },
  updateJob: ({ id, status, notes }) => {
    const patch = {};
    if (status !== undefined) patch.status = status;
    if (notes !== undefined) patch.notes = notes;
    return api.updateJob(id, patch);
  },
  async testConnection({ server }) {
    const s = normalizeServerURL(server);
    const probe = createClient({ fetch: (...a) => fetch(...a), getServer: () => s, tokens: { get: async () => null, set: async () => {}, clear: async () => {} }, timeoutMs: 10000 });
    await probe.health();
    return { server: s };
  },
  async setServer({ server }) {
    const s = normalizeServerURL(server);
    const old = await getServer();
    if (s !== old) {
      // Tokens belong to one server. Revoke at the old one, best effort.
      const auth = await tokens.get();
      await tokens.clear();
      if (auth?.refresh_token) {
        fetch(old.replace(/\/+$/, '') + '/api/auth/logout', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: auth.refresh_token }),
        }).catch(() => {});
      }
      lookupCache.clear();
    }
    await localStore.set('server', s);
    return { server: s, changed: s !== old };
  },
  async login({ username, password }) {
    await tokens.clear();
    await api.login(String(username || '').trim(), String(password || ''));
    await afterSignIn();
    return { username };
  },
  async providers() {
    try {
      return await api.providers();
    } catch (err) {
      if (err.kind === 'not_found') return [];
      throw err;
    }
  },
  async exchange({ code, provider }) {
    await tokens.clear();
    await api.exchange(code, { provider: provider || '', username: '' });
    try {
      const me = await api.me();
      if (me?.username) await tokens.set({ username: me.username });
    } catch {
      /* the name is cosmetic */
    }
    await afterSignIn();
    return state();
  },
  async logout() {
    lookupCache.clear();
    try {
      await api.logout();
      return { revoked: true };
    } catch (err) {
      // The tokens are gone from this browser either way.
      return { revoked: false, message: describeError(err) };
    }
  },
  retryOutbox: ({ id }) => flushOutbox(id ? { ids: [id] } : { force: true }),
  async discardOutbox({ id }) {
    await outbox.discard(id);
    await scheduleOutbox();
    await updateOutboxBadge();
    return true;
  },
  async openJob({ id }) {
    await ext.tabs.create({ url: jobPageURL(await getServer(), id) });
    return true;
  },
};

function plainError(err) {
  return {
    message: err?.kind ? describeError(err) : String(err?.message || err),
    detail: String(err?.message || err),
    kind: err?.kind || 'error',
    status: err?.status || 0,
    body: err?.body ?? null,
  };
}

ext.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const h = msg && handlers[msg.type];
  if (!h || sender.id !== ext.runtime.id) return false;
  Promise.resolve()
    .then(() => h(msg))
    .then(
      (value) => sendResponse({ ok: true, value }),
      (err) => sendResponse({ ok: false, error: plainError(err) }),
    );
  return true; // answer asynchronously (Chrome and Firefox)
});

// ------------------------------------------------------------------ events

ext.runtime.onInstalled.addListener(() => {
  Promise.resolve(menus.removeAll())
    .then(() => menus.create({ id: MENU_ID, title: 'Save job to Vega', contexts: ['page', 'selection'] }, () => void ext.runtime.lastError))
    .catch(() => {});
  scheduleOutbox().catch(() => {});
  updateOutboxBadge().catch(() => {});
});

ext.runtime.onStartup?.addListener(() => {
  flushOutbox().catch(() => {});
});

menus.onClicked.addListener((info, tab) => {
  if (info.menuItemId !== MENU_ID) return;
  saveTab(tab, { selection: info.selectionText }).catch(() => {});
});

ext.commands.onCommand.addListener((command, tab) => {
  if (command !== 'save-job') return;
  (tab?.id ? saveTab(tab) : saveActiveTab()).catch(() => {});
});

ext.alarms.onAlarm.addListener((alarm) => {
  onAlarm(alarm).catch(() => {});
});

ext.tabs.onUpdated.addListener((tabId, info, tab) => {
  if (info.status === 'complete' && tab.active && tab.url) refreshTabBadge(tabId, tab.url).catch(() => {});
});

ext.tabs.onActivated.addListener(({ tabId }) => {
  ext.tabs.get(tabId).then((tab) => (tab?.url ? refreshTabBadge(tabId, tab.url) : null)).catch(() => {});
});

// For the end-to-end test and for debugging from the background console.
globalThis.vega = { api, outbox, saveTab, saveActiveTab, flushOutbox, onAlarm, scheduleOutbox, refreshTabBadge, state, handlers, ALARM };
