import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sourceManifest, manifestFor, SHIPPED, ROOT } from '../../scripts/build.mjs';
import { zip, crc32 } from '../../scripts/zip.mjs';
import { inflateRawSync } from 'node:zlib';

test('the source manifest loads in both browsers', () => {
  const m = sourceManifest();
  assert.equal(m.manifest_version, 3);
  assert.equal(m.background.service_worker, 'background.js');
  assert.deepEqual(m.background.scripts, ['background.js']);
  assert.equal(m.background.type, 'module');
  assert.ok(m.browser_specific_settings.gecko.id);
  assert.ok(m.browser_specific_settings.gecko.strict_min_version);
});

test('permissions stay minimal: no blanket host access', () => {
  const m = sourceManifest();
  assert.deepEqual([...m.permissions].sort(), ['activeTab', 'alarms', 'contextMenus', 'identity', 'scripting', 'storage']);
  assert.equal(m.host_permissions, undefined, 'no host_permissions in the shipped manifest');
  assert.deepEqual(m.optional_host_permissions, ['http://*/*', 'https://*/*']);
  assert.deepEqual(m.optional_permissions, ['tabs']);
  assert.equal(m.content_scripts, undefined);
  for (const target of ['chrome', 'firefox']) {
    const t = manifestFor(target);
    assert.equal(t.host_permissions, undefined, target);
    assert.deepEqual(t.permissions, m.permissions, target);
  }
});

test('per-browser manifests', () => {
  const c = manifestFor('chrome');
  assert.deepEqual(c.background, { service_worker: 'background.js', type: 'module' });
  assert.equal(c.browser_specific_settings, undefined);
  const f = manifestFor('firefox');
  assert.deepEqual(f.background, { scripts: ['background.js'], type: 'module' });
  assert.ok(f.browser_specific_settings.gecko.id);
  const t = manifestFor('test', { hostPermissions: ['http://127.0.0.1/*'] });
  assert.deepEqual(t.host_permissions, ['http://127.0.0.1/*']);
  assert.deepEqual(t.background, sourceManifest().background, 'the test build keeps the source background keys');
  assert.deepEqual(manifestFor('chrome').host_permissions, undefined, 'only the test build has host access');
});

test('every file the manifest and pages name is shipped', () => {
  const m = sourceManifest();
  const named = [m.background.service_worker, m.action.default_popup, m.options_ui.page, ...Object.values(m.icons), ...Object.values(m.action.default_icon)];
  for (const f of named) {
    assert.ok(existsSync(join(ROOT, f)), f);
    assert.ok(SHIPPED.some((s) => f === s || f.startsWith(s + '/')), `${f} is in SHIPPED`);
  }
});

test('zip writer round-trips', () => {
  const data = Buffer.from('hello hello hello hello');
  const z = zip([{ name: 'a.txt', data }]);
  assert.equal(z.readUInt32LE(0), 0x04034b50);
  assert.equal(z.readUInt32LE(14), crc32(data));
  const size = z.readUInt32LE(18);
  const body = z.subarray(30 + 5, 30 + 5 + size);
  assert.deepEqual(inflateRawSync(body), data);
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});
