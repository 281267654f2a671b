// One save: post the page to the server; if that fails for a reason that may
// pass (network, server, sign-in), keep it in the outbox. Pure: the client
// and the outbox are injected.

import { describeError } from './api.js';
import { MAX_HTML_BYTES, utf8Length, pageKey } from './urls.js';

export const SAVED = 'saved';
export const ALREADY_SAVED = 'already_saved';
export const QUEUED = 'queued';
export const FAILED = 'error';

/** Notes sent with a capture: the user's notes, else the selected text. */
export function notesFor({ notes, selection }) {
  const n = String(notes || '').trim();
  if (n) return n;
  const s = String(selection || '').trim();
  if (!s) return '';
  return 'Selected on the page:\n' + (s.length > 5000 ? s.slice(0, 5000) + '…' : s);
}

/**
 * page: {url, html, selection?, title?}. Returns
 *   {outcome: 'saved'|'already_saved', job}
 *   {outcome: 'queued', item, error, message}
 *   {outcome: 'error', error, message}
 */
export async function savePage({ api, outbox, page, notes, status }) {
  const url = pageKey(page.url);
  const html = page.html || '';
  if (utf8Length(html) > MAX_HTML_BYTES) {
    const error = { kind: 'too_large', message: 'page too large' };
    return { outcome: FAILED, error, message: describeError(error) };
  }
  const body = { url, html, notes: notesFor({ notes, selection: page.selection }), status };
  try {
    const { created, job } = await api.capture(body);
    return { outcome: created ? SAVED : ALREADY_SAVED, job };
  } catch (error) {
    if (error?.retryable || error?.kind === 'auth' || error?.kind === 'config') {
      try {
        const item = await outbox.add({ ...body, title: page.title || '' }, error);
        return { outcome: QUEUED, item: { ...item, html: undefined }, error: plain(error), message: describeError(error) };
      } catch (full) {
        return { outcome: FAILED, error: plain(full), message: describeError(error) + ' ' + full.message };
      }
    }
    return { outcome: FAILED, error: plain(error), message: describeError(error) };
  }
}

function plain(e) {
  return { kind: e?.kind || 'error', status: e?.status || 0, message: String(e?.message || e), body: e?.body ?? null };
}
