// Waiting with useful failure messages, and letting time pass when a test must show that
// something does NOT change.

/**
 * Polls `fn` in `target` (a page or a frame) until it returns something truthy. On a
 * timeout the error names what was awaited and adds what the page said: its #panic
 * message, page errors, console errors and failed requests (from `page.log`).
 */
export async function waitFor(target, fn, arg, what, timeout = 30_000) {
  try {
    return await target.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch (err) {
    const log = target.log ?? target.page?.().log ?? null;
    const panic = await target.evaluate(() => document.querySelector('#panic')?.textContent ?? null).catch(() => null);
    const said = log ? log.console.filter((m) => m.type === 'error' || m.type === 'warning').map((m) => `${m.type}: ${m.text}`) : [];
    const bad = log ? log.responses.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.url.slice(0, 160)}`) : [];
    const details = [
      `timed out after ${timeout} ms waiting for ${what}`,
      panic && `#panic says: ${panic.trim()}`,
      log?.pageErrors.length && `page errors: ${log.pageErrors.join(' | ')}`,
      said.length && `console: ${said.join(' | ')}`,
      bad.length && `failed responses: ${bad.join(' | ')}`,
      log?.failed.length && `failed requests: ${log.failed.join(' | ')}`,
      `(${err.message.split('\n')[0]})`,
    ];
    throw new Error(details.filter(Boolean).join('\n'));
  }
}

/** Resolves after `n` animation frames of `target` (a page or a frame). */
export function frames(target, n = 2) {
  return target.evaluate(
    (n) =>
      new Promise((done) => {
        const next = (left) => (left ? requestAnimationFrame(() => next(left - 1)) : done());
        next(n);
      }),
    n,
  );
}

/**
 * Lets `ms` pass, then a few animation frames: long enough that anything running would
 * have moved. Only for showing that something does NOT change; everything else polls.
 */
export async function idle(page, ms = 1500) {
  await page.waitForTimeout(ms);
  await frames(page, 3);
}
