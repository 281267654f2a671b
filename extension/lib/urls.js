// URL handling shared by the background, the popup, the options page and the
// Node tests. Pure: no browser APIs.

export const DEFAULT_SERVER = 'http://localhost:8765';

/** Largest page the server accepts (10 MiB of HTML). */
export const MAX_HTML_BYTES = 10 * 1024 * 1024;

/**
 * Normalises what the user typed as the server address. Accepts a bare host
 * ("vega.example.com", "localhost:8765") and adds a scheme: http for local
 * addresses, https otherwise. Returns the origin plus any base path, without
 * a trailing slash. Throws a TypeError with a message meant for the user.
 */
export function normalizeServerURL(input) {
  let s = String(input ?? '').trim();
  if (s === '') throw new TypeError('Enter the address of your Vega server, for example ' + DEFAULT_SERVER + '.');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    const host = s.split(/[/:?#]/)[0].toLowerCase();
    s = (isLocalHost(host) ? 'http://' : 'https://') + s;
  }
  let u;
  try {
    u = new URL(s);
  } catch {
    throw new TypeError(`"${String(input).trim()}" is not a web address.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TypeError('The server address must start with http:// or https://.');
  }
  if (!u.hostname) throw new TypeError('The server address has no host name.');
  if (u.username || u.password) throw new TypeError('Leave the user name and password out of the server address; sign in below instead.');
  if (u.search || u.hash) throw new TypeError('The server address cannot contain "?" or "#".');
  const path = u.pathname.replace(/\/+$/, '');
  return u.origin + path;
}

/** True for loopback and local development host names. */
export function isLocalHost(host) {
  host = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The match pattern for a server address, as permissions.request wants it:
 * "http://localhost/*" (match patterns ignore the port).
 */
export function originPattern(serverURL) {
  const u = new URL(serverURL);
  return `${u.protocol}//${u.hostname}/*`;
}

/** Joins the server address and an API path ("/api/jobs/capture"). */
export function apiURL(serverURL, path, query) {
  const base = String(serverURL).replace(/\/+$/, '');
  let url = base + (path.startsWith('/') ? path : '/' + path);
  if (query) {
    const q = new URLSearchParams(query).toString();
    if (q) url += '?' + q;
  }
  return url;
}

/** The dashboard page of a saved job. */
export function jobPageURL(serverURL, id) {
  return apiURL(serverURL, '/jobs/' + encodeURIComponent(String(id)));
}

/** The page that starts an OAuth sign-in for the extension. */
export function oauthStartURL(serverURL, provider, redirectURI) {
  // The server's provider list carries a start_url; it may be relative or
  // absolute. Either way the extension adds its own client and redirect.
  let start = provider.start_url || `/auth/${encodeURIComponent(provider.id)}/start`;
  const u = new URL(start, String(serverURL).replace(/\/+$/, '') + '/');
  u.searchParams.set('client', 'extension');
  u.searchParams.set('redirect_uri', redirectURI);
  return u.toString();
}

/**
 * Reads the result of an OAuth web-auth flow: the URL the server redirected
 * to. Returns the code, or throws with the server's error if it sent one.
 */
export function codeFromRedirect(redirectedTo, redirectURI) {
  const u = new URL(redirectedTo);
  if (redirectURI) {
    const want = new URL(redirectURI);
    if (u.origin !== want.origin) throw new Error('The sign-in page sent the browser somewhere unexpected.');
  }
  const params = new URLSearchParams(u.search);
  // Some providers put the answer in the fragment.
  if (!params.has('code') && !params.has('error') && u.hash) {
    for (const [k, v] of new URLSearchParams(u.hash.slice(1))) params.set(k, v);
  }
  const error = params.get('error');
  if (error) {
    const desc = params.get('error_description');
    throw new Error(desc ? `${error}: ${desc}` : `Sign-in failed: ${error}`);
  }
  const code = params.get('code');
  if (!code) throw new Error('The sign-in page did not return a code.');
  return code;
}

/**
 * Whether a tab's address is a page Vega can save: a web page over http or
 * https. Browser pages, the extension's own pages, files and the Vega server
 * itself are not.
 */
export function isCapturableURL(url, serverURL) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (serverURL) {
    try {
      const s = new URL(serverURL);
      if (u.origin === s.origin && (u.pathname + '/').startsWith(s.pathname.replace(/\/*$/, '/'))) return false;
    } catch {
      /* ignore a bad server address here */
    }
  }
  // Web stores refuse content scripts.
  if (/^(chrome\.google\.com|chromewebstore\.google\.com|addons\.mozilla\.org)$/.test(u.hostname)) return false;
  return true;
}

/** The URL without its fragment, as sent to the server and used as a key. */
export function pageKey(url) {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.toString();
  } catch {
    return String(url);
  }
}

/** Size of a string in UTF-8 bytes. */
export function utf8Length(s) {
  return new TextEncoder().encode(String(s)).length;
}
