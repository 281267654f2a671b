// The one shim between Chrome and Firefox. Both implement the WebExtensions
// APIs with promises under Manifest V3; Firefox names the namespace
// `browser`, Chrome `chrome`. Context menus are `menus` in Firefox (with
// `contextMenus` as an alias) and the toolbar button is `action` in both.

const g = globalThis;

/** The extension API namespace. */
export const ext = g.browser?.runtime?.id ? g.browser : g.chrome;

export const menus = ext?.contextMenus || ext?.menus;

export const isFirefox = typeof g.browser?.runtime?.getBrowserInfo === 'function';

/** storage.local as a get/set store (the shape the pure modules expect). */
export const localStore = {
  async get(key) {
    const r = await ext.storage.local.get(key);
    return r[key];
  },
  set(key, value) {
    return ext.storage.local.set({ [key]: value });
  },
  remove(key) {
    return ext.storage.local.remove(key);
  },
};

/**
 * Sends a message to the background and unwraps its answer. The background
 * answers {ok: true, value} or {ok: false, error}.
 */
export async function call(type, args = {}) {
  const res = await ext.runtime.sendMessage({ type, ...args });
  if (!res) throw new Error('The extension’s background did not answer; reload the extension.');
  if (!res.ok) {
    const e = new Error(res.error?.message || 'Failed');
    Object.assign(e, res.error);
    throw e;
  }
  return res.value;
}
