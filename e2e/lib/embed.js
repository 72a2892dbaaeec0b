// A page of another site that embeds figures in iframes and records the messages they post.
import { waitFor } from './wait.js';

/** The message type a figure posts to an embedding page. */
export const HEIGHT_MESSAGE = 'selection-sgd-height';

/**
 * The HTML of a page that embeds `frames` ([{ id, src, height }]) one under the other and
 * records every message as window.heights = [{ origin, from: iframe id, data }].
 */
export function embeddingPage(title, frames) {
  const iframes = frames
    .map(({ id, src, height }) => `<iframe id="${id}" src="${src.replaceAll('&', '&amp;')}" title="${id}" allow="clipboard-write" style="display:block;width:100%;border:0" height="${height}"></iframe>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">
<script>
  window.heights = [];
  addEventListener('message', (e) => {
    const from = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === e.source)?.id ?? null;
    heights.push({ origin: e.origin, from, data: e.data });
  });
</script></head>
<body style="margin:0">
${iframes}
</body></html>`;
}

/** The frame of iframe#`id` in `page`, carrying the page's log. */
export async function frameOf(page, id) {
  const frame = await (await page.$(`#${id}`)).contentFrame();
  frame.log = page.log;
  return frame;
}

/** Waits until iframe#`frameId` has posted {type: HEIGHT_MESSAGE, figure, height > min}. */
export async function waitForHeightMessage(page, frameId, figure, min = 200) {
  try {
    await waitFor(
      page,
      ([frameId, figure, type, min]) =>
        window.heights.some((m) => m.from === frameId && m.data?.type === type && m.data.figure === figure && m.data.height > min),
      [frameId, figure, HEIGHT_MESSAGE, min],
      `#${frameId} to post {type: "${HEIGHT_MESSAGE}", figure: "${figure}", height > ${min}}`,
    );
  } catch (err) {
    err.message += `\nmessages so far: ${JSON.stringify(await page.evaluate(() => window.heights))}`;
    throw err;
  }
}

/**
 * What a frame shows: the ids of its figures, and how many parts of the article are
 * visible (the article's words are in the page's HTML; an embed hides them).
 */
export function shownInFrame(frame) {
  return frame.evaluate(() => {
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    return {
      figures: [...document.querySelectorAll('figure[id]')].filter(visible).map((el) => el.id),
      article: [...document.querySelectorAll('main.article, .masthead, nav.toc')].filter(visible).length,
    };
  });
}
