// The centrepiece (figure#duel): its step counter, its controls and its numbers.
import { readout, readouts, waitForReadout } from './readouts.js';
import { frames, waitFor } from './wait.js';

/** The readouts that must hold a number once a few steps have run. */
export const DUEL_NUMBERS = [
  'duel.step',
  'duel.sgd.r',
  'duel.sgd.r.lo',
  'duel.sgd.r.hi',
  'duel.sel.r',
  'duel.sel.r.lo',
  'duel.sel.r.hi',
  'duel.sel.accept',
];

/** A duel readout by short name: duelReadout(page, 'sgd.r') reads duel.sgd.r. */
export function duelReadout(target, name) {
  return readout(target, `duel.${name}`);
}

/** Every readout of the duel, as { name: data-value string }. */
export function duelReadouts(target) {
  return readouts(target, '#duel');
}

/** Waits until the step readout equals `n`. */
export function waitForStep(target, n, what) {
  return waitForReadout(target, 'duel.step', n, what);
}

/** Waits until the step readout is a number in [lo, hi]. */
export function waitForStepBetween(target, lo, hi, what) {
  return waitForReadout(target, 'duel.step', { min: lo, max: hi }, what);
}

/**
 * Scrolls the centrepiece's place into view and waits until it has mounted: figures
 * mount as they near the viewport, and a replayed link advances only on screen.
 */
export async function showDuel(page) {
  await waitFor(page, () => !!document.querySelector('[data-figure-slot="duel"]'), undefined, 'the centrepiece\'s place');
  await page.evaluate(() => document.querySelector('[data-figure-slot="duel"]').scrollIntoView());
  await waitFor(page, () => !!document.querySelector('#duel [data-readout="duel.step"]'), undefined, 'the centrepiece to mount');
}

/** A control inside the duel figure. */
export function control(target, selector) {
  return target.locator(`#duel ${selector}`);
}

/** Whether the play button says the duel is playing. */
export async function isPlaying(target) {
  return (await control(target, '[data-action="play"]').getAttribute('aria-pressed')) === 'true';
}

/**
 * Lets at least `steps` steps' worth of time pass at the current speed (between 0.5 s and
 * 3 s) plus a few animation frames: long enough that a running duel would have moved. Only
 * used to show that something does NOT change; everything else polls.
 */
export async function idleFor(page, steps = 3) {
  // The speed menu's value is the steps per second ("max" for as fast as possible).
  const speed = Number(await page.$eval('#duel [name="speed"]', (el) => el.value).catch(() => '0'));
  const ms = Math.min(3000, Math.max(500, speed > 0 ? (steps * 1000) / speed : 3000));
  await page.waitForTimeout(ms);
  await frames(page, 3);
}

/** Opens the menu (<details>) that holds the duel's button `action`, if it is in one. */
export function openMenu(target, action) {
  return control(target, `[data-action="${action}"]`).evaluate((el) => {
    for (let d = el.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
  });
}

/** Clicks a duel button and returns the text the page then offers in input[name="shared"]. */
export async function sharedText(target, action) {
  await openMenu(target, action);
  await control(target, `[data-action="${action}"]`).click();
  await waitFor(target, () => !!document.querySelector('#duel input[name="shared"]')?.value, undefined, `${action} to fill input[name="shared"]`);
  return control(target, 'input[name="shared"]').inputValue();
}
