import { ext, call } from './lib/browser.js';
import { isCapturableURL } from './lib/urls.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

let tab = null;
let job = null;
let server = '';

const STATE_LABEL = {
  pending: 'waiting to retry',
  signin: 'waiting for sign-in',
  failed: 'refused by the server',
};

function show(el, on = true) {
  el.classList.toggle('hidden', !on);
}

function message(text, tone = 'info', action) {
  const el = $('message');
  el.className = 'notice ' + tone;
  el.textContent = text;
  if (action) {
    el.append(' ');
    const b = document.createElement('button');
    b.className = 'link';
    b.textContent = action.label;
    b.addEventListener('click', action.run);
    el.append(b);
  }
  show(el, !!text);
}

function openOptions() {
  ext.runtime.openOptionsPage();
  window.close();
}

function actionFor(kind) {
  if (kind === 'auth' || kind === 'config') return { label: 'Open Options', run: openOptions };
  return null;
}

function renderJob(j, stateText, tone) {
  job = j;
  if (!j) {
    show($('job'), false);
    return;
  }
  $('job-state').textContent = stateText || '';
  $('job-state').style.color = tone === 'ok' ? 'var(--ok)' : 'var(--info)';
  $('job-title').textContent = j.title || '(untitled)';
  const company = j.company?.name || '';
  $('job-meta').textContent = [company, j.location, j.job_type ? j.job_type.replace(/_/g, ' ') : ''].filter(Boolean).join(' · ');
  const chips = $('job-skills');
  chips.replaceChildren(
    ...(j.required_skills || []).slice(0, 20).map((s) => {
      const c = document.createElement('span');
      c.className = 'chip';
      c.textContent = s;
      return c;
    }),
  );
  if (j.status) $('status').value = j.status;
  $('notes').value = j.notes || '';
  $('update-state').textContent = '';
  show($('job'), true);
}

function renderOutbox(items) {
  const list = $('outbox-list');
  list.replaceChildren();
  for (const it of items || []) {
    const li = document.createElement('li');
    const title = document.createElement('div');
    title.className = 'ellipsis';
    title.textContent = it.title || it.url;
    title.title = it.url;
    const meta = document.createElement('div');
    meta.className = 'muted small';
    const when = it.state === 'pending' && it.next_at ? ` · next try ${new Date(it.next_at).toLocaleTimeString()}` : '';
    meta.textContent = `${STATE_LABEL[it.state] || it.state} · ${it.attempts} attempt${it.attempts === 1 ? '' : 's'}${when}` + (it.last_error?.message ? ` · ${it.last_error.message}` : '');
    const row = document.createElement('div');
    row.className = 'row';
    const retry = document.createElement('button');
    retry.className = 'small';
    retry.textContent = 'Retry';
    retry.addEventListener('click', () => retryOutbox(it.id));
    const discard = document.createElement('button');
    discard.className = 'small';
    discard.textContent = 'Discard';
    discard.addEventListener('click', async () => {
      if (!confirm('Discard this save? The page will not be sent to Vega.')) return;
      await call('discardOutbox', { id: it.id });
      refreshOutbox();
    });
    row.append(retry, discard);
    li.append(title, meta, row);
    list.append(li);
  }
  $('outbox').querySelector('h3').textContent = `Pending saves (${(items || []).length})`;
  show($('outbox'), (items || []).length > 0);
}

async function refreshOutbox() {
  const st = await call('state');
  renderOutbox(st.outbox);
}

async function retryOutbox(id) {
  const report = await call('retryOutbox', id ? { id } : {});
  const delivered = report.filter((r) => r.outcome === 'saved' || r.outcome === 'already_saved');
  const failed = report.filter((r) => r.outcome === 'error');
  if (delivered.length) message(`Sent ${delivered.length} pending save${delivered.length === 1 ? '' : 's'} to Vega.`, 'ok');
  else if (failed.length) message(failed[0].message, 'warn', actionFor(failed[0].error?.kind));
  await refreshOutbox();
}

async function save() {
  if (!tab) return;
  const btn = $('save');
  btn.disabled = true;
  btn.textContent = 'Saving…';
  message('');
  try {
    const r = await call('save', { tabId: tab.id });
    if (r.outcome === 'saved') {
      message('Saved.', 'ok');
      renderJob(r.job, 'Saved', 'ok');
    } else if (r.outcome === 'already_saved') {
      message('Already saved: this job is in Vega.', 'info');
      renderJob(r.job, 'Already saved', 'info');
    } else if (r.outcome === 'queued') {
      message(r.message, 'warn', actionFor(r.error?.kind));
    } else {
      message(r.message, 'bad', actionFor(r.error?.kind));
    }
  } catch (err) {
    message(err.message, 'bad', actionFor(err.kind));
  } finally {
    btn.disabled = false;
    btn.textContent = 'Save';
    refreshOutbox();
  }
}

async function update() {
  if (!job) return;
  $('update').disabled = true;
  $('update-state').textContent = 'Updating…';
  try {
    const updated = await call('updateJob', { id: job.id, status: $('status').value, notes: $('notes').value });
    if (updated && typeof updated === 'object' && updated.id) job = updated;
    $('update-state').textContent = 'Updated.';
  } catch (err) {
    $('update-state').textContent = '';
    message(err.message, 'bad', actionFor(err.kind));
  } finally {
    $('update').disabled = false;
  }
}

async function init() {
  for (const el of document.querySelectorAll('[data-open-options]')) el.addEventListener('click', openOptions);
  $('save').addEventListener('click', save);
  $('update').addEventListener('click', update);
  $('open-job').addEventListener('click', async () => {
    if (!job) return;
    await call('openJob', { id: job.id });
    window.close();
  });
  $('retry-all').addEventListener('click', () => retryOutbox());

  const commands = await ext.commands.getAll().catch(() => []);
  const shortcut = commands.find((c) => c.name === 'save-job')?.shortcut;
  if (shortcut) $('shortcut').textContent = `Shortcut: ${shortcut}`;

  const st = await call('state');
  server = st.server;
  $('account').textContent = st.signedIn ? `${st.username || 'signed in'} @ ${new URL(server).host}` : new URL(server).host;
  show($('signin-notice'), !st.signedIn);
  renderOutbox(st.outbox);

  // The popup saves the tab it was opened over. ?tabId= names another tab
  // (used when the popup is opened as a page, as the tests do).
  if (params.has('tabId')) tab = await ext.tabs.get(Number(params.get('tabId')));
  else [tab] = await ext.tabs.query({ active: true, currentWindow: true });

  if (!tab) {
    $('save').disabled = true;
    return;
  }
  $('page-title').textContent = tab.title || '';
  $('page-url').textContent = tab.url || '';
  if (tab.url && !isCapturableURL(tab.url, server)) {
    $('save').disabled = true;
    message('This page cannot be saved: open a job posting on the web and click Save.', 'info');
    return;
  }
  // A result from the shortcut or the menu on this tab.
  if (st.last && st.last.tabId === tab.id && st.last.url === tab.url && Date.now() - st.last.at < 10 * 60_000) {
    if (st.last.outcome === 'error' || st.last.outcome === 'queued') message(st.last.message, st.last.outcome === 'error' ? 'bad' : 'warn', actionFor(st.last.error?.kind));
  }
  if (st.signedIn && tab.url) {
    try {
      const saved = await call('lookup', { url: tab.url, tabId: tab.id });
      if (saved) {
        renderJob(saved, 'Already saved', 'info');
        $('save').textContent = 'Save again';
      }
    } catch (err) {
      if (err.kind === 'network') message('Server unreachable: check that Vega is running. Saves made now are kept and retried.', 'warn');
      else if (err.kind === 'auth') message(err.message, 'warn', actionFor('auth'));
    }
  }
}

init().catch((err) => message(String(err.message || err), 'bad'));
