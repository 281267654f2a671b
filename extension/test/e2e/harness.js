// Helpers for the end-to-end test: a real Vega server built from this
// repository, a static server for the job-page fixtures, and Debian's
// Chromium with the extension loaded.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { existsSync, mkdirSync, openSync, readFileSync, closeSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const EXT_ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const REPO_ROOT = resolve(EXT_ROOT, '..');
export const FIXTURES = join(REPO_ROOT, 'scraper', 'testdata', 'jobpages');
export const ARTIFACTS = join(EXT_ROOT, 'test-artifacts');

/** Debian's Chromium, or $CHROMIUM_PATH; null when there is none. */
export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  for (const c of candidates) if (existsSync(c)) return c;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = netServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Builds the server from this repository ($VEGA_BIN names a prebuilt one instead). */
export function buildServer(outDir) {
  if (process.env.VEGA_BIN) return resolve(process.env.VEGA_BIN);
  const bin = join(outDir, 'vega');
  execFileSync('go', ['build', '-o', bin, '.'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 10 * 60_000 });
  return bin;
}

/** A Vega server process on a fixed address and data directory; restartable. */
export class VegaServer {
  constructor({ bin, port, dataDir, logFile }) {
    Object.assign(this, { bin, port, dataDir, logFile, proc: null });
    this.url = `http://127.0.0.1:${port}`;
  }

  async start() {
    mkdirSync(this.dataDir, { recursive: true });
    const log = openSync(this.logFile, 'a');
    this.proc = spawn(this.bin, ['serve'], {
      env: {
        ...process.env,
        VEGA_ADDR: `127.0.0.1:${this.port}`,
        VEGA_DATA_DIR: this.dataDir,
        VEGA_BCRYPT_COST: '10',
        VEGA_BASE_URL: this.url,
        VEGA_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const exited = new Promise((r) => this.proc.once('exit', (code) => r(code)));
    this.exited = exited;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const code = await Promise.race([exited, sleep(150).then(() => undefined)]);
      if (code !== undefined) throw new Error(`vega exited with ${code} while starting:\n${this.logTail()}`);
      try {
        const r = await fetch(this.url + '/health');
        if (r.ok && (await r.text()).trim() === 'ok') return;
      } catch {
        /* not up yet */
      }
    }
    throw new Error('vega did not answer /health within 30 s:\n' + this.logTail());
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    const code = await Promise.race([this.exited, sleep(20_000).then(() => 'timeout')]);
    if (code === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
    this.proc = null;
  }

  logTail(n = 40) {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-n).join('\n');
    } catch {
      return '';
    }
  }

  async api(method, path, { token, body } = {}) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    const r = await fetch(this.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let data = text;
    try {
      data = JSON.parse(text);
    } catch {
      /* text */
    }
    return { status: r.status, data };
  }
}

/** Serves the job-page fixtures as a job board would. */
export async function serveFixtures(port) {
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '');
    const file = join(FIXTURES, name);
    if (!name || name.includes('..') || !existsSync(file) || extname(file) !== '.html') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

export function fixtureCase(file) {
  const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')).cases;
  const c = cases.find((x) => x.file === file);
  if (!c) throw new Error('no case for ' + file);
  return c;
}

export const norm = (s) => String(s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

export async function waitFor(fn, { timeout = 10_000, interval = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await sleep(interval);
  }
  throw new Error(`timed out waiting for ${what}` + (last instanceof Error ? `: ${last.message}` : ''));
}
