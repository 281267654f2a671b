// The Vega API client. Pure: fetch, the server address and the token store
// are injected, so Node's test runner drives it with fakes.
//
// Access tokens are short-lived. On a 401 the client refreshes once and
// retries; concurrent calls that hit a 401 share the one refresh in flight.
// That matters because refresh tokens rotate: presenting a used refresh token
// revokes the whole chain, so two parallel refreshes would sign the user out.

import { apiURL } from './urls.js';

/**
 * An API failure, classified by what the user can do about it.
 *   network    the server could not be reached
 *   auth       the user must sign in (again)
 *   not_job    the server read the page and found no job posting (422)
 *   invalid    the request was rejected field by field (400)
 *   too_large  the page is larger than the server accepts (413)
 *   not_found  (404)
 *   rate       too many requests (429)
 *   server     the server failed (5xx)
 *   config     no server configured
 *   http       any other answer
 */
export class ApiError extends Error {
  constructor(kind, message, { status = 0, body = null, cause } = {}) {
    super(message, cause ? { cause } : undefined);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.body = body;
  }

  /** Whether trying again later may succeed without the user changing anything. */
  get retryable() {
    return this.kind === 'network' || this.kind === 'server' || this.kind === 'rate';
  }

  /** A plain object for messages between extension pages and storage. */
  toJSON() {
    return { name: this.name, kind: this.kind, status: this.status, message: this.message, body: this.body };
  }
}

/** What to tell the user, by error kind. */
export function describeError(err) {
  const kind = err?.kind;
  const server = err?.body?.error;
  switch (kind) {
    case 'network':
      return 'Server unreachable. Check that Vega is running and the server address in Options is right; the save will be retried.';
    case 'auth':
      return 'Sign in again: open Options and sign in to your Vega server.';
    case 'not_job': {
      const reason = err.body?.reason ? String(err.body.reason).replace(/_/g, ' ') : '';
      let why = server && !/^not a job( posting| page)?\.?$/i.test(server.trim()) ? server : reason || 'Vega found no job posting here';
      why = why.replace(/^not a job (posting|page)\s*[:-]\s*/i, '').replace(/\.$/, '');
      return `Not a job page: ${why}. Open the job’s own posting and try again.`;
    }
    case 'invalid': {
      const fields = err.body?.fields;
      const detail = fields && typeof fields === 'object' ? Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ') : server;
      return 'The server refused the save' + (detail ? `: ${detail}` : '.');
    }
    case 'too_large':
      return 'This page is too large to save (the server accepts up to 10 MiB).';
    case 'rate':
      return 'Too many requests; the server asked to slow down. The save will be retried.';
    case 'server':
      return 'The server had a problem' + (server ? `: ${server}` : ` (HTTP ${err.status})`) + '. The save will be retried.';
    case 'config':
      return 'No server set up: open Options, enter your Vega server address and sign in.';
    case 'not_found':
      return server || 'Not found.';
    default:
      return server || err?.message || String(err);
  }
}

function kindForStatus(status) {
  if (status === 401) return 'auth';
  if (status === 422) return 'not_job';
  if (status === 400) return 'invalid';
  if (status === 413) return 'too_large';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate';
  if (status >= 500) return 'server';
  return 'http';
}

async function readBody(res) {
  const text = await res.text().catch(() => '');
  if (!text) return null;
  const type = res.headers?.get?.('content-type') || '';
  if (type.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      /* fall through */
    }
  }
  return text;
}

/**
 * Token storage contract:
 *   get()      -> {token, refresh_token, expires_at, ...} or null
 *   set(pair)  stores a new pair (keeps other fields such as the user name)
 *   clear()    forgets the tokens
 */
export function createClient({ fetch, getServer, tokens, now = () => Date.now(), timeoutMs = 30000, onSignedOut } = {}) {
  if (typeof fetch !== 'function') throw new TypeError('createClient: fetch is required');
  if (typeof getServer !== 'function') throw new TypeError('createClient: getServer is required');
  if (!tokens) throw new TypeError('createClient: tokens is required');

  let refreshing = null; // the refresh in flight, shared

  async function server() {
    const s = await getServer();
    if (!s) throw new ApiError('config', 'No Vega server configured.');
    return s;
  }

  async function send(method, path, { body, query, token } = {}) {
    const base = await server();
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctrl && timeoutMs ? setTimeout(() => ctrl.abort(), timeoutMs) : null;
    let res;
    try {
      res = await fetch(apiURL(base, path, query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl?.signal,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (err) {
      throw new ApiError('network', `Cannot reach ${base}: ${err?.message || err}`, { cause: err });
    } finally {
      if (timer) clearTimeout(timer);
    }
    const data = await readBody(res);
    if (res.status >= 200 && res.status < 300) return { status: res.status, data };
    const msg = (data && typeof data === 'object' && data.error) || (typeof data === 'string' && data.slice(0, 200)) || `HTTP ${res.status}`;
    throw new ApiError(kindForStatus(res.status), msg, { status: res.status, body: data && typeof data === 'object' ? data : { error: msg } });
  }

  function validPair(data) {
    if (!data || typeof data.token !== 'string' || typeof data.refresh_token !== 'string') {
      throw new ApiError('http', 'The server answered without a token pair.');
    }
    return { token: data.token, refresh_token: data.refresh_token, expires_at: Number(data.expires_at) || 0 };
  }

  /**
   * Trades the stored refresh token for a new pair. Concurrent callers share
   * one request. A refresh the server refuses signs the user out.
   */
  function refresh() {
    if (refreshing) return refreshing;
    refreshing = (async () => {
      const current = await tokens.get();
      if (!current?.refresh_token) throw new ApiError('auth', 'Not signed in.', { status: 401 });
      let data;
      try {
        ({ data } = await send('POST', '/api/auth/refresh', { body: { refresh_token: current.refresh_token } }));
      } catch (err) {
        if (err.kind === 'auth' || err.kind === 'invalid') {
          await tokens.clear();
          onSignedOut?.();
          throw new ApiError('auth', 'Your session has ended; sign in again.', { status: 401, body: err.body });
        }
        throw err;
      }
      const pair = validPair(data);
      await tokens.set(pair);
      return pair;
    })();
    refreshing.then(
      () => (refreshing = null),
      () => (refreshing = null),
    );
    return refreshing;
  }

  function expired(t) {
    // Refresh a little early so a request doesn't arrive with a token that
    // expires in flight. expires_at is Unix seconds.
    return t.expires_at > 0 && t.expires_at * 1000 - 15000 <= now();
  }

  /** An authenticated request: refresh once on 401, then retry. */
  async function authed(method, path, opts = {}) {
    let t = await tokens.get();
    if (!t?.token) {
      if (t?.refresh_token) t = await refresh();
      else throw new ApiError('auth', 'Not signed in.', { status: 401 });
    } else if (expired(t) && t.refresh_token) {
      t = await refresh().catch((err) => {
        if (err.kind === 'auth') throw err;
        return t; // network trouble: try the old token anyway
      });
    }
    try {
      return await send(method, path, { ...opts, token: t.token });
    } catch (err) {
      if (err.kind !== 'auth') throw err;
    }
    // 401. If another call already refreshed meanwhile, use its token.
    let next;
    if (refreshing) {
      next = await refreshing;
    } else {
      const stored = await tokens.get();
      next = stored?.token && stored.token !== t.token ? stored : await refresh();
    }
    try {
      return await send(method, path, { ...opts, token: next.token });
    } catch (err) {
      if (err.kind === 'auth') {
        // A fresh token refused: the account or session is gone.
        await tokens.clear();
        onSignedOut?.();
        throw new ApiError('auth', 'The server refused the sign-in; sign in again.', { status: 401, body: err.body });
      }
      throw err;
    }
  }

  return {
    refresh,

    async health() {
      const { data } = await send('GET', '/health');
      if (typeof data !== 'string' || data.trim() !== 'ok') {
        throw new ApiError('http', 'This address answers, but not like a Vega server (GET /health did not say "ok").');
      }
      return true;
    },

    async login(username, password) {
      const { data } = await send('POST', '/api/auth/login', { body: { username, password } });
      const pair = validPair(data);
      await tokens.set({ ...pair, username });
      return pair;
    },

    async exchange(code, extra = {}) {
      const { data } = await send('POST', '/api/auth/exchange', { body: { code } });
      const pair = validPair(data);
      await tokens.set({ ...pair, ...extra });
      return pair;
    },

    /** Revokes the session on the server (best effort) and forgets the tokens. */
    async logout() {
      const t = await tokens.get();
      await tokens.clear();
      if (!t?.refresh_token) return;
      try {
        await send('POST', '/api/auth/logout', { body: { refresh_token: t.refresh_token } });
      } catch (err) {
        if (err.kind === 'network' || err.kind === 'server') throw err;
        // 401 or similar: the session is gone already.
      }
    },

    async providers() {
      const { data } = await send('GET', '/api/auth/providers');
      return Array.isArray(data) ? data : [];
    },

    async me() {
      return (await authed('GET', '/api/me')).data;
    },

    /** POST /api/jobs/capture. Returns {created, job}. */
    async capture({ url, html, notes, status }) {
      const body = { url, html };
      if (notes) body.notes = notes;
      if (status) body.status = status;
      const { status: code, data } = await authed('POST', '/api/jobs/capture', { body });
      const job = data?.job ?? null;
      return { created: data?.created ?? code === 201, job };
    },

    async updateJob(id, patch) {
      return (await authed('PATCH', '/api/jobs/' + encodeURIComponent(String(id)), { body: patch })).data;
    },

    /** The saved job at a URL, or null. */
    async lookup(url) {
      try {
        return (await authed('GET', '/api/jobs/lookup', { query: { url } })).data;
      } catch (err) {
        if (err.kind === 'not_found') return null;
        throw err;
      }
    },
  };
}
