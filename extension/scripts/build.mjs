// Builds the browser-specific trees from the one source tree and packages
// them. No bundling: the extension is plain ES modules; a build only picks
// the files and trims the manifest for each browser.
//
//   node scripts/build.mjs            build/chrome and build/firefox
//   node scripts/build.mjs chrome     build/chrome only (likewise firefox)
//   node scripts/build.mjs package    both, then dist/vega-chrome.zip and dist/vega-firefox.zip
import { readFileSync, writeFileSync, mkdirSync, rmSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zip } from './zip.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What ships: everything else in extension/ is tooling, tests or docs. */
export const SHIPPED = ['manifest.json', 'background.js', 'popup.html', 'popup.js', 'options.html', 'options.js', 'style.css', 'lib', 'icons'];

function listFiles(rel) {
  const abs = join(ROOT, rel);
  if (statSync(abs).isDirectory()) {
    return readdirSync(abs)
      .sort()
      .flatMap((name) => listFiles(join(rel, name)));
  }
  return [rel.split(sep).join('/')];
}

export function sourceManifest() {
  return JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
}

/**
 * The manifest for a target:
 *   chrome   service worker only, no Gecko settings
 *   firefox  background scripts only
 *   test     the source manifest plus host access to the given origins
 *            (automation cannot click to grant activeTab)
 */
export function manifestFor(target, { hostPermissions = [] } = {}) {
  const m = structuredClone(sourceManifest());
  if (target === 'chrome') {
    m.background = { service_worker: m.background.service_worker, type: m.background.type };
    delete m.browser_specific_settings;
  } else if (target === 'firefox') {
    m.background = { scripts: m.background.scripts, type: m.background.type };
  } else if (target === 'test') {
    // The source manifest as is (both background keys, Gecko settings), so
    // the test also proves Chrome loads the one source tree.
    m.host_permissions = [...(m.host_permissions || []), ...hostPermissions];
    m.name += ' (test build)';
  } else {
    throw new Error('unknown target ' + target);
  }
  return m;
}

/** Writes the target's tree into outDir and returns its file list. */
export function buildTarget(target, outDir, opts = {}) {
  rmSync(outDir, { recursive: true, force: true });
  const files = SHIPPED.flatMap(listFiles);
  for (const f of files) {
    const dest = join(outDir, f);
    mkdirSync(dirname(dest), { recursive: true });
    if (f === 'manifest.json') writeFileSync(dest, JSON.stringify(manifestFor(target, opts), null, 2) + '\n');
    else writeFileSync(dest, readFileSync(join(ROOT, f)));
  }
  return files;
}

export function packageTarget(target, outDir, zipPath) {
  const files = buildTarget(target, outDir);
  mkdirSync(dirname(zipPath), { recursive: true });
  writeFileSync(zipPath, zip(files.map((name) => ({ name, data: readFileSync(join(outDir, name)) }))));
  return zipPath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const what = process.argv[2] || 'all';
  const targets = what === 'all' || what === 'package' ? ['chrome', 'firefox'] : [what];
  for (const t of targets) {
    const out = join(ROOT, 'build', t);
    if (what === 'package') {
      const z = packageTarget(t, out, join(ROOT, 'dist', `vega-${t}.zip`));
      console.log(`${relative(process.cwd(), z)} (${statSync(z).size} bytes)`);
    } else {
      buildTarget(t, out);
      console.log(`built ${relative(process.cwd(), out) || '.'}`);
    }
  }
}
