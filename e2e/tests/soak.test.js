// The soak's short version (the long one is bench/soak.sh, ten minutes or more): every
// animated figure at its top speed, all at once, for 50 s in windows of 10 s. It fails on
// a page error, a panic, or memory growth from the end of the first window to the end
// beyond bench/soak.mjs's BOUNDS (JS heap after a forced GC, and wasm memory); the table
// is printed as diagnostics.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BOUNDS, HEADER, soak, verdict } from '../../bench/soak.mjs';
import { launch, siteUrl } from '../lib/browser.js';

const browser = await launch();
after(() => browser.close());

test(`every animated figure at top speed for 50 s: no error, no panic, memory within ${BOUNDS.jsHeapMiB} MiB (JS) and ${BOUNDS.wasmMiB} MiB (wasm)`, { timeout: 420_000 }, async (t) => {
  const lines = [HEADER];
  const result = await soak({ browser, site: siteUrl(''), seconds: 50, windowSeconds: 10, log: (l) => lines.push(l) });
  for (const l of lines) t.diagnostic(l);
  // On a loaded machine a window can stretch (sampling ten busy frames takes time); growth needs two.
  assert.ok(result.windows.length >= 2, `only ${result.windows.length} windows measured`);
  assert.ok(result.windows.every((w) => w.frames > 0), 'a window with no animation frame');
  assert.deepEqual(verdict(result), []);
});
