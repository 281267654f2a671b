// The outbox: saves that could not reach the server wait here, in extension
// storage, and are retried with backoff until they go through or the user
// discards them. Pure: storage, the clock and the sender are injected.

/** Delay before retry n (1-based), in milliseconds; the last value repeats. */
export const DEFAULT_SCHEDULE = [
  30_000, // 30 s
  60_000, // 1 min
  2 * 60_000,
  5 * 60_000,
  15 * 60_000,
  30 * 60_000,
  60 * 60_000, // then hourly
];

/** The outbox holds at most this much page HTML (extension storage is small). */
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export function backoffDelay(attempts, schedule = DEFAULT_SCHEDULE) {
  if (!schedule.length) return 0;
  const i = Math.min(Math.max(attempts, 1), schedule.length) - 1;
  return schedule[i];
}

/** Entry states. */
export const PENDING = 'pending'; // retried automatically
export const WAITING_SIGN_IN = 'signin'; // retried once the user signs in
export const FAILED = 'failed'; // the server refused it; the user retries or discards

export class OutboxFullError extends Error {
  constructor(message) {
    super(message);
    this.name = 'OutboxFullError';
    this.kind = 'outbox_full';
  }
}

/**
 * storage: { get(key) -> value | undefined, set(key, value) }.
 */
export class Outbox {
  constructor({ storage, key = 'outbox', now = () => Date.now(), schedule = DEFAULT_SCHEDULE, maxBytes = DEFAULT_MAX_BYTES, newId } = {}) {
    if (!storage) throw new TypeError('Outbox: storage is required');
    this.storage = storage;
    this.key = key;
    this.now = now;
    this.schedule = schedule;
    this.maxBytes = maxBytes;
    this.newId = newId || (() => (globalThis.crypto?.randomUUID ? crypto.randomUUID() : `${now()}-${Math.random().toString(36).slice(2)}`));
    this.lock = Promise.resolve();
    this.flushing = null;
  }

  // Serialises read-modify-write cycles so concurrent callers don't lose updates.
  #update(fn) {
    const run = this.lock.then(async () => {
      const items = (await this.storage.get(this.key)) || [];
      const result = await fn(items);
      await this.storage.set(this.key, items);
      return result;
    });
    this.lock = run.catch(() => {});
    return run;
  }

  async list() {
    await this.lock;
    return (await this.storage.get(this.key)) || [];
  }

  /**
   * Queues a save. A save of a URL already waiting replaces the older one
   * (newer HTML, newer notes) but keeps its place and history.
   */
  add({ url, html, notes, status, title }, error) {
    return this.#update((items) => {
      const size = (html || '').length;
      const existing = items.findIndex((it) => it.url === url);
      const others = items.reduce((n, it, i) => (i === existing ? n : n + (it.html || '').length), 0);
      if (others + size > this.maxBytes) {
        throw new OutboxFullError('The outbox is full: send or discard the pending saves first.');
      }
      const t = this.now();
      const item = {
        id: existing >= 0 ? items[existing].id : this.newId(),
        url,
        html,
        notes: notes || '',
        status: status || '',
        title: title || '',
        created_at: existing >= 0 ? items[existing].created_at : t,
        attempts: 1,
        state: error?.kind === 'auth' ? WAITING_SIGN_IN : PENDING,
        next_at: t + backoffDelay(1, this.schedule),
        last_error: error ? errorSummary(error) : null,
      };
      if (existing >= 0) items[existing] = item;
      else items.push(item);
      return { ...item };
    });
  }

  discard(id) {
    return this.#update((items) => {
      const i = items.findIndex((it) => it.id === id);
      if (i < 0) return false;
      items.splice(i, 1);
      return true;
    });
  }

  /** The earliest time an automatic retry is due, or null. */
  async nextDue() {
    const items = await this.list();
    const times = items.filter((it) => it.state === PENDING).map((it) => it.next_at);
    return times.length ? Math.min(...times) : null;
  }

  /**
   * Tries the entries that are due (all of them with force, including the
   * ones waiting for sign-in and the failed ones). send(item) resolves on
   * success and throws an error with .kind and .retryable otherwise.
   * Returns [{item, result}|{item, error}] for each entry tried.
   * Only one flush runs at a time; a second caller shares the first.
   */
  flush(send, { force = false, ids } = {}) {
    if (this.flushing) return this.flushing;
    this.flushing = this.#flush(send, { force, ids }).finally(() => (this.flushing = null));
    return this.flushing;
  }

  async #flush(send, { force, ids }) {
    const t = this.now();
    const due = (await this.list()).filter((it) => {
      if (ids) return ids.includes(it.id);
      if (force) return true;
      return it.state === PENDING && it.next_at <= t;
    });
    const outcomes = [];
    for (const item of due) {
      try {
        const result = await send(item);
        await this.discard(item.id);
        outcomes.push({ item, result });
      } catch (error) {
        await this.#update((items) => {
          const it = items.find((x) => x.id === item.id);
          if (!it) return;
          it.attempts += 1;
          it.last_error = errorSummary(error);
          it.last_try_at = this.now();
          if (error?.kind === 'auth') {
            it.state = WAITING_SIGN_IN;
          } else if (error?.retryable || error?.kind === 'network') {
            it.state = PENDING;
          } else {
            it.state = FAILED;
          }
          it.next_at = this.now() + backoffDelay(it.attempts, this.schedule);
        });
        outcomes.push({ item, error });
        // The server is down: no point hammering it with the rest now.
        if (error?.kind === 'network') break;
      }
    }
    return outcomes;
  }

  /** Makes the entries waiting for sign-in due now (called after signing in). */
  wake() {
    return this.#update((items) => {
      const t = this.now();
      for (const it of items) {
        if (it.state === WAITING_SIGN_IN) {
          it.state = PENDING;
          it.next_at = t;
        }
      }
    });
  }

  /** A summary for the popup: everything but the HTML. */
  async summary() {
    return (await this.list()).map(({ html, ...rest }) => ({ ...rest, bytes: (html || '').length }));
  }
}

function errorSummary(error) {
  return { kind: error?.kind || 'error', status: error?.status || 0, message: String(error?.message || error) };
}
