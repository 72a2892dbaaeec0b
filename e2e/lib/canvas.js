// What the canvases hold: colours counted from their pixels (read through a scratch 2-D
// canvas, so whatever context a chart draws with is left as it is), and whether their
// backing store matches their CSS size at the device pixel ratio.
import { waitFor } from './wait.js';

/**
 * For each canvas matching `selector`: its data-chart (or data-layer) name, backing and
 * CSS size, and how many distinct colours its pixels hold (counted up to 256).
 */
export function canvasColours(target, selector) {
  return target.$$eval(selector, (canvases) =>
    canvases.map((canvas) => {
      const { width, height, clientWidth, clientHeight } = canvas;
      const name = canvas.dataset.chart ?? `${canvas.dataset.layer ?? 'canvas'} of ${canvas.parentElement?.querySelector('[data-chart]')?.dataset.chart}`;
      if (!width || !height) return { name, width, height, clientWidth, clientHeight, colours: 0 };
      const scratch = document.createElement('canvas');
      scratch.width = width;
      scratch.height = height;
      const ctx = scratch.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(canvas, 0, 0);
      const pixels = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
      const seen = new Set();
      for (let i = 0; i < pixels.length && seen.size < 256; i++) seen.add(pixels[i]);
      return { name, width, height, clientWidth, clientHeight, colours: seen.size };
    }),
  );
}

/** Asserts that every canvas in `list` (from canvasColours) holds more than `min` colours. */
export function assertDrawn(list, where, min = 1) {
  const blank = list.filter((c) => c.colours <= min).map((c) => `${c.name} (${c.width}×${c.height}, ${c.colours} colours)`);
  if (!list.length) throw new Error(`no canvases ${where}`);
  if (blank.length) throw new Error(`blank canvases ${where}: ${blank.join(', ')}`);
}

/**
 * In the page: whether every chart of figure `id` shows more than one colour. With
 * `layers`, each chart is judged with its axes and overlay canvases composited under and
 * over it; without, the data-chart canvas alone must be drawn on, or, for a chart named in
 * `drawnOn` ({ chart: layer }), its canvas of that data-layer ("axes" or "overlay").
 */
function figureDrawn([id, layers, drawnOn]) {
  const fig = document.querySelector(`figure#${id}`);
  const charts = fig ? [...fig.querySelectorAll('canvas[data-chart]')] : [];
  if (!charts.length) return false;
  return charts.every((chart) => {
    // A chart whose data the figure draws on another of its canvases is judged by that one.
    const layer = drawnOn?.[chart.dataset.chart];
    if (layer) chart = chart.parentElement.querySelector(`canvas[data-layer="${layer}"]`) ?? chart;
    const { width, height } = chart;
    if (!width || !height) return false;
    const scratch = document.createElement('canvas');
    scratch.width = width;
    scratch.height = height;
    const ctx = scratch.getContext('2d', { willReadFrequently: true });
    const stack = layers ? [...chart.parentElement.querySelectorAll('canvas')] : [chart];
    for (const c of stack) if (c.width && c.height) ctx.drawImage(c, 0, 0, width, height);
    const px = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
    for (let i = 1; i < px.length; i++) if (px[i] !== px[0]) return true;
    return false;
  });
}

/** Waits until every chart of figure `id` is drawn on (see figureDrawn); the error lists the canvases. */
export async function waitForDrawn(target, id, { layers = false, drawnOn = null, timeout } = {}) {
  try {
    await waitFor(target, figureDrawn, [id, layers, drawnOn], `every chart of #${id} to draw`, timeout);
  } catch (err) {
    err.message += `\ncanvases: ${JSON.stringify(await canvasColours(target, `figure#${id} canvas`).catch(() => 'unreadable'))}`;
    throw err;
  }
}

/** Waits until every canvas of figure `id` has a backing store (it has been laid out and sized). */
export function waitForLaidOut(target, id, timeout) {
  return waitFor(
    target,
    (id) => {
      const canvases = [...document.querySelectorAll(`figure#${id} canvas`)];
      return canvases.length > 0 && canvases.every((c) => c.width > 0 && c.height > 0);
    },
    id,
    `the canvases of #${id} to be laid out`,
    timeout,
  );
}

/**
 * The canvases of figure `id` that are shown, each with its backing size and its CSS size
 * times the device pixel ratio; `blurry` lists those whose backing store is not that.
 */
export function sharpness(target, id) {
  return target.$$eval(`figure#${id} canvas`, (canvases) => {
    const dpr = window.devicePixelRatio;
    const shown = canvases
      .filter((c) => c.checkVisibility() && c.clientWidth > 0)
      .map((c) => ({
        name: c.dataset.chart ?? c.dataset.layer,
        backing: [c.width, c.height],
        wanted: [Math.round(dpr * c.clientWidth), Math.round(dpr * c.clientHeight)],
      }));
    const blurry = shown.filter((c) => c.backing[0] !== c.wanted[0] || c.backing[1] !== c.wanted[1]);
    return { dpr, shown, blurry };
  });
}
