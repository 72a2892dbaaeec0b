#!/usr/bin/env node
// The soak: every animated figure at its top speed, all at once, for a long session, in
// Debian's Chromium. A parent page on another origin embeds each figure (?embed=<id>) in
// an iframe, all on screen at once (a figure runs only while on screen), with the
// centrepiece set to "as fast as possible" and every pace setting at its largest; a figure
// whose run finishes is restarted (its reset button), so builds and teardowns are soaked
// too. Every window it samples, after a forced garbage collection: the JS heap (CDP
// Runtime.getHeapUsage), the wasm memory of every figure's instance (WebAssembly.Memory
// sizes, summed), requestAnimationFrame intervals (p50, p95, p99, max over the window,
// every frame of every iframe), long tasks, page errors and panics; and prints a table.
//
// Usually run through bench/soak.sh, which serves dist/. By hand:
//   node bench/soak.mjs --site http://127.0.0.1:PORT/ [--minutes 10] [--window-seconds 60]
//       [--smoke] [--json out.json]
// --smoke: 60 s in windows of 10 s, and a verdict: it exits 1 on a page error, a panic, or
// memory growth beyond the bounds below (from the end of the first window to the end).
//
// Also imported by e2e/tests/soak.test.js (the short version in CI): export soak().

import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initScript, quantile, sleep } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The animated figures and what sets each to its top speed (a control inside it, a URL key). */
export const FIGURES = [
  { id: 'glance' },
  { id: 'claim' },
  { id: 'minibatch' },
  // "As fast as possible" is the speed menu's last option; the pace is not in links.
  { id: 'duel', fastest: 'select[name="speed"]' },
  { id: 'eta' },
  { id: 'ghosts', query: { 'ghosts.rate': '60' } },
  { id: 'regression' },
  { id: 'drift' },
  { id: 'fitness' },
  // The longest run it takes (fifty million generations): restarts are rarer.
  { id: 'limits', query: { 'limits.generations': '50000000' } },
];

/** Memory growth allowed by the smoke verdict, end of the first window to the end. */
export const BOUNDS = { jsHeapMiB: 8, wasmMiB: 16 };

const MiB = 1024 * 1024;

/**
 * Runs in every frame before its own scripts (through lib.mjs's initScript, which passes
 * `keepWasmMemories`): keeps wasm memories, frame times and long tasks.
 */
function soakInit(_, keepWasmMemories) {
  const s = (window.__soak = { memories: [], frames: [], longTasks: [] });
  keepWasmMemories(s.memories);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) s.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  } catch {}
  let last = null;
  const raf = window.requestAnimationFrame.bind(window);
  const tick = (ts) => {
    if (last !== null) s.frames.push(ts - last);
    last = ts;
    raf(tick);
  };
  raf(tick);
}

/** The parent page: one iframe per figure, all on screen. */
function parentPage(site, figures) {
  const frames = figures
    .map((f) => {
      const q = new URLSearchParams({ embed: f.id, ...(f.query ?? {}) });
      return `<iframe id="f-${f.id}" title="${f.id}" src="${new URL(`?${q}`, site).href}"></iframe>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Soak</title><link rel="icon" href="data:,">
<style>body{margin:0;display:grid;grid-template-columns:repeat(5,1fr);gap:4px}iframe{width:100%;height:880px;border:0}</style>
</head><body>${frames}</body></html>`;
}

/**
 * Soaks `site` (the built site's URL) for `seconds` in windows of `windowSeconds`, with
 * `browser` (from e2e/lib/browser.js's launch). `log(line)` gets progress lines. Returns
 * { windows: [...], errors: [...], panics: [...], growth: { jsHeapMiB, wasmMiB }, restarts }.
 */
export async function soak({ browser, site, seconds, windowSeconds, log = () => {} }) {
  const { serve } = await import('../e2e/lib/static-server.js');
  const parent = await serve({ pages: { '/soak.html': parentPage(site, FIGURES) } });
  const context = await browser.newContext({ viewport: { width: 2400, height: 1800 }, reducedMotion: 'no-preference' });
  context.setDefaultTimeout(120_000);
  const errors = [];
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e?.stack ?? e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.addInitScript(initScript(soakInit));
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const windows = [];
  const panics = [];
  let restarts = 0;
  try {
    await page.goto(`${parent.url}soak.html`, { waitUntil: 'load' });
    const frameOf = (id) => page.frameLocator(`#f-${id}`);
    const frames = () => FIGURES.map((f) => ({ f, frame: page.frames().find((fr) => fr.url().includes(`embed=${f.id}`)) }));
    for (const f of FIGURES) {
      await frameOf(f.id).locator(`figure#${f.id} [data-readout]`).first().waitFor({ state: 'attached', timeout: 120_000 });
      if (f.fastest) {
        const select = frameOf(f.id).locator(`figure#${f.id} ${f.fastest}`);
        const last = await select.evaluate((s) => s.options[s.options.length - 1].value);
        await select.selectOption(last);
      }
    }
    log(`soak: ${FIGURES.length} figures mounted; ${seconds} s in windows of ${windowSeconds} s`);

    const sample = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      let wasm = 0;
      const frameTimes = [];
      const longTasks = [];
      for (const { f, frame } of frames()) {
        if (!frame) continue;
        const s = await frame.evaluate(() => {
          const s = window.__soak;
          const out = {
            wasm: s.memories.reduce((a, m) => a + m.buffer.byteLength, 0),
            frames: s.frames.splice(0),
            longTasks: s.longTasks.splice(0),
            panic: (() => {
              const p = document.getElementById('panic');
              return p && !p.hidden && getComputedStyle(p).display !== 'none' ? p.innerText : '';
            })(),
          };
          return out;
        });
        wasm += s.wasm;
        frameTimes.push(...s.frames);
        longTasks.push(...s.longTasks);
        if (s.panic) panics.push(`${f.id}: ${s.panic}`);
      }
      return { heap: heap.usedSize, wasm, frameTimes, longTasks };
    };

    /** Restarts every figure whose run has finished (its play button is not pressed). */
    const restartFinished = async () => {
      for (const { f, frame } of frames()) {
        if (!frame) continue;
        const did = await frame.evaluate((id) => {
          const fig = document.getElementById(id);
          const play = fig?.querySelector('[data-action="play"]');
          if (!play || play.getAttribute('aria-pressed') === 'true') return false;
          const reset = fig.querySelector('[data-action="reset"]');
          reset?.click();
          if (play.getAttribute('aria-pressed') !== 'true') play.click();
          return true;
        }, f.id);
        if (did) restarts++;
      }
    };

    await sample(); // clear what start-up left
    const start = Date.now();
    const end = start + seconds * 1000;
    while (Date.now() < end) {
      const windowEnd = Math.min(end, Date.now() + windowSeconds * 1000);
      while (Date.now() < windowEnd) {
        await sleep(Math.min(2000, windowEnd - Date.now()));
        await restartFinished();
      }
      const s = await sample();
      const w = {
        t: Math.round((Date.now() - start) / 1000),
        jsHeapMiB: s.heap / MiB,
        wasmMiB: s.wasm / MiB,
        frames: s.frameTimes.length,
        p50: quantile(s.frameTimes, 0.5),
        p95: quantile(s.frameTimes, 0.95),
        p99: quantile(s.frameTimes, 0.99),
        max: s.frameTimes.length ? Math.max(...s.frameTimes) : NaN,
        longTasks: s.longTasks.length,
        longestTask: s.longTasks.length ? Math.max(...s.longTasks) : 0,
        errors: errors.length,
        restarts,
      };
      windows.push(w);
      log(row(w, windows[windows.length - 2]));
    }
  } finally {
    await context.close();
    await parent.close();
  }
  const first = windows[0];
  const lastW = windows[windows.length - 1];
  const growth = first && lastW ? { jsHeapMiB: lastW.jsHeapMiB - first.jsHeapMiB, wasmMiB: lastW.wasmMiB - first.wasmMiB } : null;
  return { windows, errors, panics, growth, restarts };
}

export const HEADER =
  '   t (s) | JS heap MiB (Δ)   | wasm MiB (Δ)     | frames | p50 ms | p95 ms | p99 ms | max ms | long tasks (longest ms) | restarts | errors';

function row(w, prev) {
  const d = (a, b) => (b === undefined ? '' : ` (${a - b >= 0 ? '+' : ''}${(a - b).toFixed(2)})`);
  const pad = (s, n) => String(s).padStart(n);
  return [
    pad(w.t, 8),
    pad(`${w.jsHeapMiB.toFixed(2)}${d(w.jsHeapMiB, prev?.jsHeapMiB)}`, 17),
    pad(`${w.wasmMiB.toFixed(2)}${d(w.wasmMiB, prev?.wasmMiB)}`, 16),
    pad(w.frames, 6),
    pad(w.p50.toFixed(1), 6),
    pad(w.p95.toFixed(1), 6),
    pad(w.p99.toFixed(1), 6),
    pad(w.max.toFixed(0), 6),
    pad(`${w.longTasks} (${w.longestTask.toFixed(0)})`, 23),
    pad(w.restarts, 8),
    pad(w.errors, 6),
  ].join(' | ');
}

/** Whether frame times creep: the median p95 of the last third of the windows against the first third. */
export function creep(windows) {
  const n = Math.floor(windows.length / 3);
  if (n < 1) return null;
  const med = (ws) => quantile(ws.map((w) => w.p95), 0.5);
  return { first: med(windows.slice(0, n)), last: med(windows.slice(-n)) };
}

/** The smoke verdict: problems, as lines (none: it passes). */
export function verdict({ errors, panics, growth }) {
  const out = [];
  if (errors.length) out.push(`page errors:\n  ${errors.join('\n  ')}`);
  if (panics.length) out.push(`panics:\n  ${panics.join('\n  ')}`);
  if (!growth) out.push('no window was measured');
  else {
    if (growth.jsHeapMiB > BOUNDS.jsHeapMiB) out.push(`JS heap grew ${growth.jsHeapMiB.toFixed(2)} MiB (bound ${BOUNDS.jsHeapMiB})`);
    if (growth.wasmMiB > BOUNDS.wasmMiB) out.push(`wasm memory grew ${growth.wasmMiB.toFixed(2)} MiB (bound ${BOUNDS.wasmMiB})`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The command line

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const o = { site: null, minutes: 10, windowSeconds: 60, smoke: false, json: null };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--site') o.site = argv[++i];
    else if (a === '--minutes') o.minutes = Number(argv[++i]);
    else if (a === '--window-seconds') o.windowSeconds = Number(argv[++i]);
    else if (a === '--smoke') o.smoke = true;
    else if (a === '--json') o.json = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.site) throw new Error('--site URL is required (bench/soak.sh sets it)');
  if (o.smoke) Object.assign(o, { minutes: 1, windowSeconds: 10 });
  if (!(o.minutes > 0 && o.windowSeconds > 0)) throw new Error('--minutes and --window-seconds need positive numbers');
  process.env.E2E_BASE_URL ??= o.site;
  const { launch } = await import('../e2e/lib/browser.js');
  const browser = await launch();
  console.log(HEADER);
  let result;
  try {
    result = await soak({ browser, site: o.site, seconds: o.minutes * 60, windowSeconds: o.windowSeconds, log: (l) => console.log(l) });
  } finally {
    await browser.close();
  }
  const c = creep(result.windows);
  console.log(
    `growth, end of the first window to the end: JS heap ${result.growth?.jsHeapMiB.toFixed(2)} MiB, wasm ${result.growth?.wasmMiB.toFixed(2)} MiB; ` +
      `frame p95 (median of windows), first third ${c?.first?.toFixed(1)} ms, last third ${c?.last?.toFixed(1)} ms; ` +
      `${result.restarts} restarts; ${result.errors.length} page errors; ${result.panics.length} panics`,
  );
  if (o.json) writeFileSync(o.json, JSON.stringify(result, null, 2));
  const problems = verdict(result);
  if (problems.length) {
    console.log(`soak: ${o.smoke ? 'FAILED' : 'problems'}:\n${problems.join('\n')}`);
    if (o.smoke || result.errors.length || result.panics.length) process.exit(1);
  }
}
void ROOT;
