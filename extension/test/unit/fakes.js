// Fakes for the unit tests: an in-memory key-value store and a fetch that
// answers like the Vega API (token rotation included).

export function memoryStore(initial = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    async get(k) {
      return data.has(k) ? structuredClone(data.get(k)) : undefined;
    },
    async set(k, v) {
      data.set(k, structuredClone(v));
    },
    async remove(k) {
      data.delete(k);
    },
  };
}

/** A token store on top of a memory store, as background.js builds it. */
export function tokenStore(store = memoryStore()) {
  return {
    store,
    get: () => store.get('auth'),
    async set(pair) {
      const cur = (await store.get('auth')) || {};
      await store.set('auth', { ...cur, ...pair });
    },
    clear: () => store.remove('auth'),
  };
}

const json = (status, body) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/**
 * A fake Vega API. Access tokens are "a<n>", refresh tokens "r<n>"; using a
 * rotated refresh token revokes the chain, as the real server does.
 */
export function fakeVega({ delayMs = 0 } = {}) {
  let n = 0;
  const state = {
    calls: [],
    access: new Set(),
    refresh: new Map(), // token -> 'live' | 'used'
    revoked: false,
    down: false,
    jobs: new Map(), // url -> job
    users: { alice: 'pw' },
    nextCapture: null, // {status, body} to force an answer
  };
  const issue = () => {
    n++;
    const pair = { token: 'a' + n, refresh_token: 'r' + n, expires_at: Math.floor(Date.now() / 1000) + 900, token_type: 'Bearer' };
    state.access.add(pair.token);
    state.refresh.set(pair.refresh_token, 'live');
    return pair;
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function fetch(url, init = {}) {
    const u = new URL(url);
    const method = init.method || 'GET';
    const body = init.body ? JSON.parse(init.body) : undefined;
    const auth = (init.headers?.Authorization || '').replace(/^Bearer /, '');
    state.calls.push({ method, path: u.pathname, search: u.search, body, auth });
    if (state.down) throw new TypeError('fetch failed');
    if (delayMs) await sleep(delayMs);
    const route = `${method} ${u.pathname}`;
    if (route === 'GET /health') return new Response('ok', { status: 200, headers: { 'Content-Type': 'text/plain' } });
    if (route === 'POST /api/auth/login') {
      if (state.users[body?.username] !== body?.password) return json(401, { error: 'wrong username or password' });
      return json(200, issue());
    }
    if (route === 'POST /api/auth/refresh') {
      const st = state.refresh.get(body?.refresh_token);
      if (st === 'used') {
        state.revoked = true;
        state.access.clear();
        for (const k of state.refresh.keys()) state.refresh.set(k, 'used');
        return json(401, { error: 'refresh token reused' });
      }
      if (st !== 'live') return json(401, { error: 'invalid refresh token' });
      state.refresh.set(body.refresh_token, 'used');
      return json(200, issue());
    }
    if (route === 'POST /api/auth/logout') {
      state.refresh.delete(body?.refresh_token);
      return new Response(null, { status: 204 });
    }
    if (route === 'POST /api/auth/exchange') {
      if (body?.code !== 'good-code') return json(400, { error: 'invalid code' });
      return json(200, issue());
    }
    if (route === 'GET /api/auth/providers') return json(200, [{ id: 'github', name: 'GitHub', start_url: '/auth/github/start' }]);
    if (u.pathname.startsWith('/api/') && !u.pathname.startsWith('/api/auth/')) {
      if (!state.access.has(auth)) return json(401, { error: 'invalid or expired token' });
    }
    if (route === 'POST /api/jobs/capture') {
      if (state.nextCapture) {
        const { status, body: b } = state.nextCapture;
        state.nextCapture = null;
        return json(status, b);
      }
      const existing = state.jobs.get(body.url);
      if (existing) return json(200, { created: false, job: existing });
      const job = { id: state.jobs.size + 1, title: 'Engineer', company: { id: 1, name: 'ACME' }, location: 'Remote', required_skills: ['Go'], status: body.status || 'interested', notes: body.notes || '', source_url: body.url };
      state.jobs.set(body.url, job);
      return json(201, { created: true, job });
    }
    if (route === 'GET /api/jobs/lookup') {
      const job = state.jobs.get(u.searchParams.get('url'));
      return job ? json(200, job) : json(404, { error: 'not found' });
    }
    const m = u.pathname.match(/^\/api\/jobs\/(\d+)$/);
    if (method === 'PATCH' && m) {
      const job = [...state.jobs.values()].find((j) => String(j.id) === m[1]);
      if (!job) return json(404, { error: 'not found' });
      Object.assign(job, body);
      return json(200, job);
    }
    return json(404, { error: 'no such API route' });
  }

  return { fetch, state, issue };
}
