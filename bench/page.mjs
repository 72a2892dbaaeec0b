#!/usr/bin/env node
// The page benchmark: measures the built site against a bare reference page
// (bench/bare.html) in Debian's Chromium, the same way each time, and prints a table.
// A benchmark, not a test: it prints figures and fails only if it cannot measure.
//
// Usually run through bench/browser.sh, which builds if needed, serves dist/ and the bare
// page, runs the wasm and native throughput workloads and then this script. By hand:
//
//   node bench/page.mjs --site http://127.0.0.1:PORT/site/ --bare http://127.0.0.1:PORT/bare/ \
//       [--dist dist] [--native native.txt --wasm wasm.txt] [--smoke] [--runs 5]
//       [--window-seconds 5] [--trace-seconds 2] [--memory-seconds 15] [--json out.json]
//
// Rows, each for the site and the bare page in the same run, with their ratio:
//  1. first-visit payload: raw, gzip, brotli bytes of index.html and every file it names
//     (scripts/size.sh's first-visit total);
//  2. first animated frame after navigation (pixel probe; the site's
//     performance.mark('first-frame') as well, when it sets one);
//  3. main-thread busy time per frame at top speed with 20,000 points per scatter
//     (CDP Performance.getMetrics deltas; longest task from a trace);
//  4. frame intervals at top speed (requestAnimationFrame timestamps);
//  5. JS heap and wasm memory growth over a run;
//  6. wasm/native throughput of the science (from the files --native and --wasm).
// See bench/README.md for exact definitions.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initScript, quantile, sleep } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const o = {
    site: null,
    bare: null,
    dist: 'dist',
    native: null,
    wasm: null,
    smoke: false,
    runs: 5,
    windowSeconds: 5,
    traceSeconds: 2,
    memorySeconds: 15,
    warmupSeconds: 1,
    points: 20000,
    json: null,
  };
  const numeric = { '--runs': 'runs', '--window-seconds': 'windowSeconds', '--trace-seconds': 'traceSeconds',
    '--memory-seconds': 'memorySeconds', '--warmup-seconds': 'warmupSeconds', '--points': 'points' };
  const text = { '--site': 'site', '--bare': 'bare', '--dist': 'dist', '--native': 'native', '--wasm': 'wasm', '--json': 'json' };
  const given = new Set();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--smoke') o.smoke = true;
    else if (a in numeric) {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      o[numeric[a]] = v;
      given.add(numeric[a]);
    } else if (a in text) o[text[a]] = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 12).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (o.smoke) {
    // Short durations: checks that every row can still be measured, not what it measures.
    const short = { runs: 1, windowSeconds: 1, traceSeconds: 0.5, memorySeconds: 2, warmupSeconds: 0.3 };
    for (const [k, v] of Object.entries(short)) if (!given.has(k)) o[k] = v;
  }
  if (!o.site || !o.bare) throw new Error('--site URL and --bare URL are required (bench/browser.sh sets them)');
  o.runs = Math.round(o.runs);
  return o;
}

const opts = parseArgs(process.argv.slice(2));

// The project's way of launching Debian's Chromium (flags, no browser download).
process.env.E2E_BASE_URL ??= opts.site;
const { launch, DESKTOP } = await import('../e2e/lib/browser.js');

// ---------------------------------------------------------------------------------------------
// Helpers

const median = (xs) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

/**
 * Runs in every document before its own scripts (through lib.mjs's initScript, which
 * passes `keepWasmMemories`): long-task and paint observers, a hook that keeps each wasm
 * instance's memory, and (when `probe` is set) the first-frame pixel probe. Everything
 * lands in window.__bench.
 */
function benchInit({ probe, selector, scrollTo = null }, keepWasmMemories) {
  const b = (window.__bench = { longTasks: [], memories: [], firstFrame: null, fcp: null, probeChecks: 0 });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
  } catch {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') b.fcp = e.startTime;
    }).observe({ type: 'paint', buffered: true });
  } catch {}
  // WebAssembly.Memory of every instance the page makes (wasm-bindgen exports it).
  keepWasmMemories(b.memories);
  if (!probe) return;
  // The pixel probe: looks for a non-transparent pixel on any canvas matching `selector`
  // right after each of the page's requestAnimationFrame callbacks (requestAnimationFrame
  // is wrapped), and once per frame from a callback of its own in frames where the page
  // ran none (in case a page draws outside animation callbacks). The first check that finds
  // one marks the first animated frame: `at` is performance.now() then (ms since
  // navigation start), `frame` that frame's requestAnimationFrame timestamp.
  const nonBlank = (canvas) => {
    const { width, height } = canvas;
    if (!width || !height) return false;
    const ctx = canvas.getContext('2d');
    if (!ctx) return false;
    const px = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
    for (let i = 0; i < px.length; i++) if (px[i] !== 0) return true;
    return false;
  };
  const check = (ts, how) => {
    if (b.firstFrame) return;
    const canvases = document.querySelectorAll(selector);
    if (canvases.length === 0) return;
    b.probeChecks++;
    for (const c of canvases) {
      if (nonBlank(c)) {
        b.firstFrame = { at: performance.now(), frame: ts, chart: c.dataset.chart ?? null, how };
        return;
      }
    }
  };
  const raf = window.requestAnimationFrame.bind(window);
  let pageRan = false;
  window.requestAnimationFrame = function requestAnimationFrame(callback) {
    if (b.firstFrame || typeof callback !== 'function') return raf(callback);
    return raf((ts) => {
      try {
        callback(ts);
      } finally {
        pageRan = true;
        check(ts, 'page');
      }
    });
  };
  // Brings the centrepiece into view as soon as it (or the slot it will mount into) is in
  // the document, so a page that mounts or animates figures only near the viewport shows
  // it: `scrollTo` lists selectors, the figure's own first; each is scrolled to once.
  const pending = [...(scrollTo ?? [])];
  const tick = (ts) => {
    if (b.firstFrame) return;
    for (let i = 0; i < pending.length; i++) {
      const target = document.querySelector(pending[i]);
      if (target) {
        target.scrollIntoView({ block: 'center' });
        pending.splice(i); // this one and the fallbacks after it are done
        break;
      }
    }
    if (!pageRan) check(ts, 'probe');
    pageRan = false;
    raf(tick);
  };
  raf(tick);
}

async function newPage(browser, init) {
  const context = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'no-preference' });
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(initScript(benchInit, init));
  return { context, page, errors };
}

function metricsMap(m) {
  return Object.fromEntries(m.metrics.map((x) => [x.name, x.value]));
}

// ---------------------------------------------------------------------------------------------
// Row 1: payload (scripts/size.sh's first-visit total)

function firstVisitTotal(dir) {
  const out = execFileSync('bash', [join(ROOT, 'scripts', 'size.sh'), dir], { encoding: 'utf8' });
  // The first of its two totals: what a first visit downloads (the second is every file).
  const line = out.split('\n').find((l) => l.startsWith('total:') && !l.startsWith('total: every file'));
  if (!line) throw new Error(`size.sh printed no first-visit total for ${dir}:\n${out}`);
  const [raw, gzip, brotli] = [...line.matchAll(/([\d,]+) B/g)].map((m) => Number(m[1].replaceAll(',', '')));
  return { raw, gzip, brotli };
}

function payloads() {
  const dist = resolve(opts.dist);
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`no index.html in ${dist}`);
  const bareDir = mkdtempSync(join(tmpdir(), 'bare-'));
  try {
    copyFileSync(join(ROOT, 'bench', 'bare.html'), join(bareDir, 'index.html'));
    return { site: firstVisitTotal(dist), bare: firstVisitTotal(bareDir) };
  } finally {
    rmSync(bareDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Row 2: first animated frame

const SITE_CHARTS = '#duel canvas[data-chart]';
/** The centrepiece, then the slot a build that mounts figures lazily reserves for it. */
const DUEL = ['#duel', '[data-figure-slot="duel"]'];
const BARE_CHARTS = 'canvas[data-chart]';
/** The figure on the first screen (in the masthead), which a reader sees without scrolling. */
const FIRST_SCREEN_CHARTS = '.masthead canvas[data-chart]';

async function firstFrame(browser, url, selector, scrollTo) {
  const { context, page, errors } = await newPage(browser, { probe: true, selector, scrollTo });
  try {
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__bench?.firstFrame, undefined, { timeout: 60_000, polling: 100 });
    const r = await page.evaluate(() => {
      const b = window.__bench;
      const mark = performance.getEntriesByName('first-frame', 'mark')[0]?.startTime ?? null;
      const upTo = b.firstFrame.at;
      const long = b.longTasks.filter((t) => t.start < upTo);
      return {
        pixel: b.firstFrame.at,
        frame: b.firstFrame.frame,
        chart: b.firstFrame.chart,
        how: b.firstFrame.how,
        mark,
        fcp: b.fcp,
        checks: b.probeChecks,
        longTasks: long.length,
        longTaskMs: long.reduce((s, t) => s + t.duration, 0),
        longest: long.reduce((m, t) => Math.max(m, t.duration), 0),
      };
    });
    if (errors.length) r.errors = errors;
    return r;
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Rows 3–5: the steady state at top speed

/** Chart canvas sizes of the site's duel, in device pixels. */
function chartSizes(page) {
  return page.$$eval(SITE_CHARTS, (cs) => cs.map((c) => [c.width, c.height]));
}

function siteUrl() {
  return new URL(`?seed=42&t=${opts.points}`, opts.site).href;
}

/** Opens the site with `points` steps replayed, sets the speed to its last position, plays. */
async function startSite(browser) {
  const s = await newPage(browser, { probe: false });
  const { page } = s;
  await page.goto(siteUrl(), { waitUntil: 'load' });
  // Into view first: a page may mount figures only as they near the viewport.
  await page.locator(DUEL.join(', ')).first().scrollIntoViewIfNeeded();
  await page.waitForFunction(
    (t) => document.querySelector('#duel [data-readout="duel.step"]')?.dataset.value === String(t),
    opts.points,
    { timeout: 120_000, polling: 100 },
  );
  await page.locator('#duel').scrollIntoViewIfNeeded();
  // The speed control: a menu whose last option is "as fast as possible" (or, in older
  // builds, a slider whose last position is).
  await page.evaluate(() => {
    const el = document.querySelector('#duel [name="speed"]');
    if (el.tagName === 'SELECT') el.value = el.options[el.options.length - 1].value;
    else el.value = el.max;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.locator('#duel [data-action="play"]').click();
  await page.waitForFunction(
    () => document.querySelector('#duel [data-action="play"]')?.getAttribute('aria-pressed') === 'true',
  );
  s.speed = await page.evaluate(() => {
    const el = document.querySelector('#duel [name="speed"]');
    const text = el.tagName === 'SELECT' ? el.options[el.selectedIndex]?.text : el.getAttribute('aria-valuetext');
    return { value: el.value, max: el.max ?? '', text };
  });
  s.sizes = await chartSizes(page);
  return s;
}

async function startBare(browser, sizes) {
  const s = await newPage(browser, { probe: false });
  const url = new URL(opts.bare);
  url.searchParams.set('n', String(opts.points));
  url.searchParams.set('sizes', sizes.map(([w, h]) => `${w}x${h}`).join(','));
  await s.page.goto(url.href, { waitUntil: 'load' });
  s.sizes = sizes;
  return s;
}

function stepCount(page) {
  return page.evaluate(() => Number(document.querySelector('#duel [data-readout="duel.step"]')?.dataset.value ?? NaN));
}

/** Rows 3 and 4: CDP metrics and rAF timestamps over one window, then a trace. */
async function steadyState(browser, which, s) {
  const { page, context } = s;
  await sleep(opts.warmupSeconds * 1000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.evaluate(() => {
    const b = window.__bench;
    b.frames = [];
    b.recording = true;
    const rec = (ts) => {
      if (!b.recording) return;
      b.frames.push(ts);
      requestAnimationFrame(rec);
    };
    requestAnimationFrame(rec);
  });
  const steps0 = which === 'site' ? await stepCount(page) : NaN;
  const m0 = metricsMap(await cdp.send('Performance.getMetrics'));
  const t0 = await page.evaluate(() => performance.now());
  await sleep(opts.windowSeconds * 1000);
  const m1 = metricsMap(await cdp.send('Performance.getMetrics'));
  const w = await page.evaluate((t0) => {
    const b = window.__bench;
    b.recording = false;
    const t1 = performance.now();
    return { frames: b.frames.slice(), t1, long: b.longTasks.filter((t) => t.start >= t0 && t.start < t1) };
  }, t0);
  const steps1 = which === 'site' ? await stepCount(page) : NaN;
  await cdp.send('Performance.disable');
  await cdp.detach();

  const wall = m1.Timestamp - m0.Timestamp; // seconds
  const frames = w.frames.filter((ts) => ts >= t0);
  const intervals = frames.slice(1).map((ts, i) => ts - frames[i]);
  const n = Math.max(1, intervals.length);
  const task = (m1.TaskDuration - m0.TaskDuration) * 1000; // ms
  const script = (m1.ScriptDuration - m0.ScriptDuration) * 1000;
  const layout = (m1.LayoutDuration - m0.LayoutDuration + m1.RecalcStyleDuration - m0.RecalcStyleDuration) * 1000;
  const trace = await traceWindow(browser, page);
  return {
    windowMs: wall * 1000,
    frames: intervals.length,
    fps: intervals.length / (wall || 1),
    taskPerFrame: task / n,
    scriptPerFrame: script / n,
    layoutPerFrame: layout / n,
    busy: task / (wall * 1000),
    p50: quantile(intervals, 0.5),
    p95: quantile(intervals, 0.95),
    maxInterval: Math.max(...intervals),
    longTasks: w.long.length,
    longest: w.long.reduce((m, t) => Math.max(m, t.duration), 0),
    stepsPerSecond: (steps1 - steps0) / (wall || 1),
    steps0,
    steps1,
    trace,
  };
}

/**
 * A trace of the renderer's main thread over --trace-seconds: the longest task (RunTask),
 * tasks over 50 ms, and the share of the time in tasks.
 */
async function traceWindow(browser, page) {
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'],
  });
  const url = page.url();
  await sleep(opts.traceSeconds * 1000);
  const buffer = await browser.stopTracing();
  const events = JSON.parse(buffer.toString('utf8')).traceEvents ?? [];
  // The renderer process of this page: from TracingStartedInBrowser's frame list.
  let pid = null;
  for (const e of events) {
    if (e.name === 'TracingStartedInBrowser') {
      const frame = e.args?.data?.frames?.find((f) => f.url === url) ?? e.args?.data?.frames?.find((f) => !f.parent);
      if (frame) pid = frame.processId;
    }
  }
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const main = mains.find((e) => e.pid === pid) ?? (mains.length === 1 ? mains[0] : null);
  if (!main) return { error: 'renderer main thread not found in the trace' };
  const tasks = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'RunTask');
  const ts = events.filter((e) => e.pid === main.pid && typeof e.ts === 'number' && e.ts > 0).map((e) => e.ts);
  const span = ts.length ? (Math.max(...ts) - Math.min(...ts)) / 1000 : opts.traceSeconds * 1000;
  const durs = tasks.map((t) => (t.dur ?? 0) / 1000);
  return {
    tasks: durs.length,
    longest: durs.length ? Math.max(...durs) : 0,
    over50: durs.filter((d) => d > 50).length,
    busy: durs.reduce((a, b) => a + b, 0) / (span || 1),
    spanMs: span,
  };
}

/** Row 5: heap (after a forced GC) and wasm memory at the start and end of a run. */
async function memoryRun(which, s) {
  const { page, context } = s;
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const sample = async (gc) => {
    if (gc) await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const page_ = await page.evaluate(() => ({
      wasm: window.__bench.memories.reduce((sum, m) => sum + m.buffer.byteLength, 0),
      wasmCount: window.__bench.memories.length,
      perfMemory: performance.memory?.usedJSHeapSize ?? null,
      t: performance.now(),
    }));
    return { used: heap.usedSize, total: heap.totalSize, ...page_ };
  };
  await sleep(opts.warmupSeconds * 1000);
  const start = await sample(true);
  let peak = start.used;
  const end = Date.now() + opts.memorySeconds * 1000;
  while (Date.now() < end) {
    await sleep(Math.min(1000, Math.max(0, end - Date.now())));
    const x = await sample(false);
    peak = Math.max(peak, x.used);
  }
  const last = await sample(true);
  const steps = which === 'site' ? await stepCount(page) : NaN;
  await cdp.detach();
  return {
    seconds: (last.t - start.t) / 1000,
    heapStart: start.used,
    heapEnd: last.used,
    heapPeak: peak,
    wasmStart: start.wasmCount ? start.wasm : null,
    wasmEnd: last.wasmCount ? last.wasm : null,
    stepsAtEnd: steps,
  };
}

// ---------------------------------------------------------------------------------------------
// Row 6: wasm/native throughput, from the two harnesses' printed lines

function parseThroughput(file) {
  if (!file || !existsSync(file)) return null;
  const rows = new Map();
  for (let line of readFileSync(file, 'utf8').split('\n')) {
    line = line.replace(/^.*?wasm32: /, '');
    let m = line.match(/^(.+?)\s{2,}\s*([\d.]+) M (\w+)\/s \(/);
    if (m) {
      const onCpu = line.match(/(\d+) % of wall time on CPU/);
      rows.set(m[1].trim(), { value: Number(m[2]), unit: `M ${m[3]}/s`, higherIsBetter: true, onCpu: onCpu ? Number(onCpu[1]) : null });
      continue;
    }
    m = line.match(/^eta_eff_loop, (\S+)\s+\(([^)]+)\): ([\d.]+) µs\/call over .*?; ([\d.]+) µs at/);
    if (m) {
      rows.set(`eta_eff_loop, ${m[1]} (${m[2]}), |g| sweep`, { value: Number(m[3]), unit: 'µs/call', higherIsBetter: false });
      rows.set(`eta_eff_loop, ${m[1]} (${m[2]}), at |g(θ₀)|`, { value: Number(m[4]), unit: 'µs/call', higherIsBetter: false });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Machine

function machine(browserVersion) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return {
    cpu: model,
    cores: cpus().length,
    chromium: browserVersion,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

const result = { options: opts };
const browser = await launch();
try {
  result.machine = machine(browser.version());
  console.error(`page benchmark: ${result.machine.cpu}, ${result.machine.cores} cores, Chromium ${result.machine.chromium}, load ${result.machine.load}`);

  result.payload = payloads();

  // Row 2, alternating site and bare, a fresh context (first visit, empty cache) each time.
  const ff = { site: [], screen: [], bare: [] };
  for (let i = 0; i < opts.runs; i++) {
    console.error(`first frame: run ${i + 1} of ${opts.runs}`);
    ff.site.push(await firstFrame(browser, opts.site, SITE_CHARTS, DUEL));
    ff.screen.push(await firstFrame(browser, opts.site, FIRST_SCREEN_CHARTS, null));
    ff.bare.push(await firstFrame(browser, new URL(`?n=${opts.points}`, opts.bare).href, BARE_CHARTS, null));
  }
  result.firstFrame = ff;

  // Rows 3–4.
  console.error('steady state: site');
  let site = await startSite(browser);
  result.speed = site.speed;
  result.sizes = site.sizes;
  result.steady = { site: await steadyState(browser, 'site', site) };
  await site.context.close();
  console.error('steady state: bare');
  let bare = await startBare(browser, result.sizes);
  result.steady.bare = await steadyState(browser, 'bare', bare);
  await bare.context.close();

  // Row 5, fresh pages again.
  console.error(`memory: site, ${opts.memorySeconds} s`);
  site = await startSite(browser);
  result.memory = { site: await memoryRun('site', site) };
  if (site.errors.length) result.siteErrors = site.errors;
  await site.context.close();
  console.error(`memory: bare, ${opts.memorySeconds} s`);
  bare = await startBare(browser, result.sizes);
  result.memory.bare = await memoryRun('bare', bare);
  await bare.context.close();
  result.machine.loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
} finally {
  await browser.close();
}

const native = parseThroughput(opts.native);
const wasm = parseThroughput(opts.wasm);
result.throughput = native && wasm ? { native: Object.fromEntries(native), wasm: Object.fromEntries(wasm) } : null;

// ---------------------------------------------------------------------------------------------
// The table

const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const mb = (n) => (Number.isFinite(n) ? (n / 1048576).toFixed(1) : 'n/a');
const pct = (n) => (Number.isFinite(n) ? `${(100 * n).toFixed(0)} %` : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(a / b >= 100 ? 0 : 2)}×` : '–');

const rows = [];
const row = (what, site, bare, r = '') => rows.push([what, site, bare, r]);
const section = (title) => rows.push([title]);

const p = result.payload;
section('1. first-visit payload (index.html + files it names), bytes');
for (const k of ['raw', 'gzip', 'brotli']) row(`   ${k}`, int(p.site[k]), int(p.bare[k]), ratio(p.site[k], p.bare[k]));

const ffs = result.firstFrame;
const med = (list, key) => median(list.map((x) => x[key]));
section(`2. first animated frame after navigation, ms (median of ${opts.runs} fresh visits)`);
row('   the centrepiece, scrolled into view: drawn (pixel probe)', f1(med(ffs.site, 'pixel')), f1(med(ffs.bare, 'pixel')), ratio(med(ffs.site, 'pixel'), med(ffs.bare, 'pixel')));
row('   that frame\'s requestAnimationFrame timestamp', f1(med(ffs.site, 'frame')), f1(med(ffs.bare, 'frame')), ratio(med(ffs.site, 'frame'), med(ffs.bare, 'frame')));
const marks = ffs.site.map((x) => x.mark).filter((x) => x !== null);
row("   performance.mark('first-frame')", marks.length ? f1(median(marks)) : 'not set', 'not set', '');
row('   first contentful paint', f1(med(ffs.site, 'fcp')), f1(med(ffs.bare, 'fcp')), ratio(med(ffs.site, 'fcp'), med(ffs.bare, 'fcp')));
row('   range of the probe over visits', `${f1(Math.min(...ffs.site.map((x) => x.pixel)))}–${f1(Math.max(...ffs.site.map((x) => x.pixel)))}`,
  `${f1(Math.min(...ffs.bare.map((x) => x.pixel)))}–${f1(Math.max(...ffs.bare.map((x) => x.pixel)))}`);
row('   long tasks > 50 ms before it (median count)', f1(med(ffs.site, 'longTasks')), f1(med(ffs.bare, 'longTasks')));
row('   longest of them, ms (median)', f1(med(ffs.site, 'longest')), f1(med(ffs.bare, 'longest')));
if (ffs.screen?.length && ffs.screen.every((x) => Number.isFinite(x.pixel))) {
  row('   the first screen\'s figure, not scrolled: drawn', f1(med(ffs.screen, 'pixel')), f1(med(ffs.bare, 'pixel')), ratio(med(ffs.screen, 'pixel'), med(ffs.bare, 'pixel')));
  row('   … its range over visits', `${f1(Math.min(...ffs.screen.map((x) => x.pixel)))}–${f1(Math.max(...ffs.screen.map((x) => x.pixel)))}`, '');
  row('   … first contentful paint', f1(med(ffs.screen, 'fcp')), f1(med(ffs.bare, 'fcp')), ratio(med(ffs.screen, 'fcp'), med(ffs.bare, 'fcp')));
  row('   … long tasks > 50 ms before it (median count; longest)', `${f1(med(ffs.screen, 'longTasks'))}; ${f1(med(ffs.screen, 'longest'))}`, '');
}

const st = result.steady;
section(`3. main thread at top speed, ${int(opts.points)} points per scatter (${f1(st.site.windowMs / 1000)} s window)`);
row('   busy per frame, ms (CDP TaskDuration / frames)', f2(st.site.taskPerFrame), f2(st.bare.taskPerFrame), ratio(st.site.taskPerFrame, st.bare.taskPerFrame));
row('   of which script, ms per frame', f2(st.site.scriptPerFrame), f2(st.bare.scriptPerFrame), ratio(st.site.scriptPerFrame, st.bare.scriptPerFrame));
row('   of which style + layout, ms per frame', f2(st.site.layoutPerFrame), f2(st.bare.layoutPerFrame), ratio(st.site.layoutPerFrame, st.bare.layoutPerFrame));
row('   main thread busy (TaskDuration / wall)', pct(st.site.busy), pct(st.bare.busy), ratio(st.site.busy, st.bare.busy));
row(`   busy in trace (${f1(st.site.trace.spanMs / 1000)} s, complete RunTasks / span)`, pct(st.site.trace.busy), pct(st.bare.trace.busy), ratio(st.site.trace.busy, st.bare.trace.busy));
row('   longest task in trace, ms', f1(st.site.trace.longest), f1(st.bare.trace.longest), ratio(st.site.trace.longest, st.bare.trace.longest));
row('   long tasks > 50 ms (window; trace)', `${st.site.longTasks}; ${st.site.trace.over50}`, `${st.bare.longTasks}; ${st.bare.trace.over50}`);
row('   longest long task in window, ms', st.site.longTasks ? f1(st.site.longest) : '–', st.bare.longTasks ? f1(st.bare.longest) : '–');
row('   simulation steps per second', int(st.site.stepsPerSecond), '–');
row('   simulation step at window start → end', `${int(st.site.steps0)} → ${int(st.site.steps1)}`, '–');
section('4. frame interval at top speed, ms (requestAnimationFrame timestamps)');
row('   p95', f1(st.site.p95), f1(st.bare.p95), ratio(st.site.p95, st.bare.p95));
row('   median', f1(st.site.p50), f1(st.bare.p50), ratio(st.site.p50, st.bare.p50));
row('   longest', f1(st.site.maxInterval), f1(st.bare.maxInterval), ratio(st.site.maxInterval, st.bare.maxInterval));
row('   frames per second', f1(st.site.fps), f1(st.bare.fps), ratio(st.site.fps, st.bare.fps));
row('   long tasks > 50 ms in the window', String(st.site.longTasks), String(st.bare.longTasks));

const mm = result.memory;
section(`5. memory over ${f1(mm.site.seconds)} s at top speed, MiB (start → end; heap after a forced GC)`);
const growth = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${mb(a)} → ${mb(b)} (${b >= a ? '+' : '−'}${mb(Math.abs(b - a))})` : 'n/a');
const positiveRatio = (a, b) => (a > 0 && b > 0 ? ratio(a, b) : '–');
row('   JS heap used', growth(mm.site.heapStart, mm.site.heapEnd), growth(mm.bare.heapStart, mm.bare.heapEnd), positiveRatio(mm.site.heapEnd - mm.site.heapStart, mm.bare.heapEnd - mm.bare.heapStart));
row('   JS heap peak (1 s samples, no GC)', mb(mm.site.heapPeak), mb(mm.bare.heapPeak), ratio(mm.site.heapPeak, mm.bare.heapPeak));
row('   wasm linear memory', mm.site.wasmStart === null ? 'not reachable' : growth(mm.site.wasmStart, mm.site.wasmEnd), mm.bare.wasmStart === null ? 'no wasm' : growth(mm.bare.wasmStart, mm.bare.wasmEnd));
row('   simulation steps at the end', int(mm.site.stepsAtEnd), '–');

const cols = [0, 1, 2, 3].map((c) => Math.max(...rows.filter((r) => r.length > 1).map((r) => String(r[c]).length), ['', 'site', 'bare', 'site/bare'][c].length));
const fmt = (r) => `${String(r[0]).padEnd(cols[0])}  ${String(r[1]).padStart(cols[1])}  ${String(r[2]).padStart(cols[2])}  ${String(r[3]).padStart(cols[3])}`;
const m = result.machine;
console.log(`Page benchmark — ${m.date}`);
console.log(`machine: ${m.cpu}, ${m.cores} cores; Chromium ${m.chromium}; node ${m.node}; load average ${m.load} before, ${m.loadAfter} after`);
console.log(`site: ${opts.site} (dist ${resolve(opts.dist)}), ${siteUrl()} for rows 3–5, speed "${result.speed.text}"; bare: ${opts.bare}`);
console.log(`charts: ${result.sizes.map(([w, h]) => `${w}×${h}`).join(', ')} device pixels; viewport ${DESKTOP.width}×${DESKTOP.height}${opts.smoke ? '; SMOKE RUN (short durations, figures not meaningful)' : ''}`);
console.log('');
console.log(fmt(['', 'site', 'bare', 'site/bare']));
for (const r of rows) console.log(r.length === 1 ? r[0] : fmt(r));

if (result.throughput) {
  console.log('');
  console.log('6. science throughput, wasm32 in Chromium against native (median of each harness\'s repetitions)');
  const names = [...native.keys()].filter((k) => wasm.has(k));
  const w0 = Math.max(...names.map((n) => n.length), 8);
  console.log(`${'workload'.padEnd(w0)}  ${'native'.padStart(10)}  ${'wasm32'.padStart(10)}  unit              wasm/native speed  (native thread on CPU)`);
  for (const name of names) {
    const a = native.get(name);
    const b = wasm.get(name);
    const speed = a.higherIsBetter ? b.value / a.value : a.value / b.value;
    const cpu = a.onCpu === null || a.onCpu === undefined ? '' : `  (${a.onCpu} % of wall time)`;
    console.log(`${name.padEnd(w0)}  ${String(a.value).padStart(10)}  ${String(b.value).padStart(10)}  ${a.unit.padEnd(16)}  ${speed.toFixed(2).padStart(17)}${cpu}`);
  }
} else if (opts.native || opts.wasm) {
  console.log('\n6. science throughput: no figures (a harness did not run or printed nothing)');
}

const problems = [...(result.siteErrors ?? []), ...ffs.site.flatMap((x) => x.errors ?? []), ...ffs.bare.flatMap((x) => x.errors ?? [])];
if (problems.length) console.log(`\npage errors during the run:\n  ${problems.join('\n  ')}`);
if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2));
