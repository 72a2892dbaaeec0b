// Screenshots go to e2e/screenshots/NAME.png (scripts/check.sh names the folder at the end).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

/** The path of e2e/screenshots/NAME.png, making the folder if need be. */
export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/**
 * Saves a screenshot as NAME.png: of a locator, that element; of a page, the full page
 * (or, with { fullPage: false }, what the viewport shows).
 */
export async function screenshot(target, name, { fullPage = true } = {}) {
  const isPage = typeof target.goto === 'function';
  await target.screenshot({ path: screenshotPath(name), ...(isPage ? { fullPage } : {}) });
}
