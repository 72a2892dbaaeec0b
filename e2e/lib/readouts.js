// The page's numbers: every readout is `<output data-readout="<figure>.<name>"
// data-value="…">`, and an empty data-value means "undefined" (never 0).
import { idle, waitFor } from './wait.js';

/** The number readout `name` (its full name, e.g. "drift.mc.steps") shows; NaN while undefined or missing. */
export function readout(target, name) {
  return target.evaluate((name) => {
    const value = document.querySelector(`[data-readout="${name}"]`)?.dataset.value;
    return value === undefined || value === '' ? NaN : Number(value);
  }, name);
}

/** A reader of figure `id`'s readouts by short name: figureReadout('eta')(page, 'samples'). */
export function figureReadout(id) {
  return (target, name) => readout(target, `${id}.${name}`);
}

/** Every readout inside `scope` (a selector, e.g. "#duel"), as { name: data-value string }. */
export function readouts(target, scope = 'body') {
  return target.$$eval(`${scope} [data-readout]`, (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.readout, el.dataset.value ?? null])),
  );
}

/** The number under `name` in a readouts() record; NaN if undefined. */
export function numberIn(values, name) {
  const v = values[name];
  return v === undefined || v === null || v === '' ? NaN : Number(v);
}

/** Asserts that each of `names` holds a finite number in a readouts() record. */
export function assertNumbers(values, names, where) {
  const missing = names.filter((name) => !Number.isFinite(numberIn(values, name)));
  if (missing.length) {
    throw new Error(`undefined at ${where}: ${missing.map((name) => `${name} = "${values[name]}"`).join(', ')}`);
  }
}

/**
 * Waits until readout `name` satisfies `want`: { equals } (as shown, compared as text), or
 * { min, max } (inclusive), or { above } (strictly); {} waits for any number.
 */
export function waitForReadout(target, name, want, what, timeout) {
  const wanted = typeof want === 'object' ? want : { equals: want };
  const describe =
    'equals' in wanted
      ? `to read ${wanted.equals}`
      : 'above' in wanted
        ? `to exceed ${wanted.above}`
        : 'min' in wanted || 'max' in wanted
          ? `to be in [${wanted.min ?? '−∞'}, ${wanted.max ?? '∞'}]`
          : 'to hold a number';
  return waitFor(
    target,
    ([name, w]) => {
      const v = document.querySelector(`[data-readout="${name}"]`)?.dataset.value;
      if (v === undefined) return false;
      if ('equals' in w) return v === String(w.equals);
      if (v === '') return false;
      const x = Number(v);
      if (Number.isNaN(x)) return false;
      if ('above' in w) return x > w.above;
      return (w.min === undefined || x >= w.min) && (w.max === undefined || x <= w.max);
    },
    [name, wanted],
    what ?? `${name} ${describe}`,
    timeout,
  );
}

/** Asserts that readout `name` shows the same after `ms` (plus a few frames) as now. */
export async function assertStill(target, name, ms, message) {
  const before = await readout(target, name);
  await idle(target, ms);
  const after = await readout(target, name);
  if (!Object.is(before, after)) throw new Error(`${message ?? `${name} changed`}: ${before} → ${after}`);
}
