// The reading experience, one test per point a reader can observe: the centrepiece waits
// at step 0 until it is seen; each scene shows itself in the menu and prints theory at its
// measurement's precision; equal-unit charts keep 1:1; every control is a 44-px touch
// target on a phone; reduced motion shows finished stills; typed fields restart once per
// committed value; the claim figure's strip tells its three means apart; every embed fits
// a 700 × 600 frame with a link back and its tools in one menu; no caption names a colour.
// Figures are taken from the page itself, so a new figure is checked as soon as it is there.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PHONE, assertNoProblems, launch, newPage, siteUrl, watch, withPage } from '../lib/browser.js';
import { waitForDrawn } from '../lib/canvas.js';
import { embeddingPage, frameOf, waitForHeightMessage } from '../lib/embed.js';
import { FIGURE_TABLE, figureIds, openDetails, pause, scrollToFigure, withFigure } from '../lib/figures.js';
import { assertStill, readout, readouts, waitForReadout } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';
import { serve } from '../lib/static-server.js';
import { frames, idle, waitFor } from '../lib/wait.js';

const browser = await launch();
after(() => browser.close());

// The figures as the page itself lists them.
const listed = await withPage(browser, '', {}, ({ page }) => figureIds(page));

// The figures with a scene menu (the centrepiece today), found on the page.
const withScenes = await withPage(browser, '', {}, async ({ page }) => {
  const found = [];
  for (const id of listed) {
    await scrollToFigure(page, id);
    if (await page.$(`figure#${id} select[name="preset"]`)) found.push(id);
  }
  return found;
});

/** Where figure `id`'s data is drawn, for waitForDrawn (see FIGURE_TABLE). */
const drawnOn = (id) => FIGURE_TABLE[id]?.drawnOn ?? null;

/** The number of decimals a readout's text shows ("0.531" → 3, "0" → 0); null if it shows no number. */
function decimals(text) {
  const m = /[-−]?\d+(?:\.(\d+))?/.exec(text ?? '');
  return m ? (m[1]?.length ?? 0) : null;
}

test('the centrepiece stays at step 0 until it is scrolled into view, then runs from there', async () => {
  const { page, context, log } = await newPage(browser);
  try {
    await page.goto(siteUrl(''), { waitUntil: 'load' });
    await waitFor(page, () => !!document.querySelector('figure#glance'), undefined, 'the first screen to mount');
    // Close enough to mount (figures mount a screen ahead), not yet on screen.
    await page.evaluate(() => {
      const slot = document.querySelector('[data-figure-slot="duel"]');
      scrollTo(0, slot.getBoundingClientRect().top + scrollY - 1.6 * innerHeight);
    });
    await waitFor(page, () => !!document.querySelector('#duel [data-readout="duel.step"]'), undefined, 'the centrepiece to mount just below the screen');
    const offscreen = await page.$eval('figure#duel', (f) => f.getBoundingClientRect().top - innerHeight);
    assert.ok(offscreen > 50, `the centrepiece is already on screen (${offscreen} px below the bottom)`);
    await idle(page, 2000);
    const step = await page.$eval('[data-readout="duel.step"]', (o) => o.dataset.value);
    assert.ok(step === '0' || step === '', `the centrepiece ran to step ${step} before the reader saw it`);
    await page.$eval('figure#duel', (f) => f.scrollIntoView());
    await waitForReadout(page, 'duel.step', { above: 0 }, 'the centrepiece to run once on screen');
    assertNoProblems(log);
  } finally {
    await context.close();
  }
});

test('on a phone, a wide equation can be scrolled from the keyboard once it nears the screen, and one that fits is not a Tab stop', { timeout: 120_000 }, () =>
  withPage(browser, '', { viewport: PHONE }, async ({ page, log }) => {
    // Every display equation, a screen at a time from the top, as a reader scrolls: once
    // one has been near the viewport it is focusable exactly when it overflows its box.
    const seen = await page.evaluate(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const out = { wide: 0, fits: 0, wrong: [] };
      const checked = new Set();
      for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
        scrollTo(0, y);
        await frame();
        await new Promise((r) => setTimeout(r, 50));
        for (const el of document.querySelectorAll('.prose .display')) {
          const r = el.getBoundingClientRect();
          if (checked.has(el) || r.bottom < 0 || r.top > innerHeight) continue;
          checked.add(el);
          const wide = el.scrollWidth > el.clientWidth + 1;
          out[wide ? 'wide' : 'fits']++;
          if ((el.getAttribute('tabindex') === '0') !== wide) out.wrong.push(`${wide ? 'wide' : 'fitting'} equation ${el.textContent.trim().slice(0, 40)}`);
        }
      }
      return out;
    });
    assert.deepEqual(seen.wrong, [], `equations with the wrong Tab stop: ${seen.wrong.join('; ')}`);
    assert.ok(seen.wide > 0 && seen.fits > 0, `equations seen: ${seen.wide} wide, ${seen.fits} that fit (a phone must show both)`);
    assertNoProblems(log);
  }));

test('the centrepiece has a scene menu', () => assert.ok(withScenes.includes('duel'), `figures with scenes: ${withScenes}`));

describe('scenes', () => {
  for (const id of withScenes) {
    test(`#${id}: each scene shows in the menu, survives its link, has its own note, and prints theory at the measurement's precision`, { timeout: 240_000 }, async () => {
      await withFigure(browser, id, async ({ page, log }) => {
        const menu = `figure#${id} select[name="preset"]`;
        const scenes = await page.$$eval(`${menu} option`, (os) => os.map((o) => o.value).filter(Boolean));
        assert.ok(scenes.length > 1, `#${id}'s scene menu offers ${scenes}`);
        const notes = new Map();
        for (const scene of scenes) {
          await page.selectOption(menu, scene);
          await waitFor(page, ([menu, scene]) => document.querySelector(menu)?.value === scene, [menu, scene], `the menu to show ${scene}`);
          // Numbers for every readout: the run has gone on long enough once the first readout
          // that is a measurement with a theory beside it holds a number.
          await waitFor(
            page,
            (id) => {
              const outs = [...document.querySelectorAll(`figure#${id} .stats output[data-readout]`)];
              const theories = outs.filter((o) => /theory$/.test(o.dataset.readout));
              return theories.length > 0 && theories.every((o) => {
                const measured = document.querySelector(`[data-readout="${o.dataset.readout.replace(/\.?theory$/, '')}"]`);
                return o.dataset.value !== '' && measured && measured.dataset.value !== '';
              });
            },
            id,
            `#${id}'s measurements to hold numbers in scene ${scene}`,
            60_000,
          );
          const pairs = await page.$$eval(`figure#${id} .stats output[data-readout$="theory"]`, (outs) =>
            outs.map((o) => {
              const measured = document.querySelector(`[data-readout="${o.dataset.readout.replace(/\.?theory$/, '')}"]`);
              return { theory: o.dataset.readout, theoryText: o.textContent.trim(), measured: measured.dataset.readout, measuredText: measured.textContent.trim() };
            }),
          );
          assert.ok(pairs.length > 0, `#${id} prints no theory beside a measurement`);
          for (const p of pairs) {
            assert.ok(
              decimals(p.theoryText) >= decimals(p.measuredText),
              `scene ${scene}: ${p.theory} = "${p.theoryText}" has fewer decimals than ${p.measured} = "${p.measuredText}"`,
            );
          }
          const note = await page.$eval(`figure#${id} .scene-notice`, (el) => el.textContent.trim()).catch(() => '');
          assert.ok(note.length > 20, `scene ${scene} shows no note of its own`);
          notes.set(scene, note);
          // Its link opens it again, named in the menu.
          const link = page.url();
          await withFigure(browser, id, async ({ page: again }) => {
            assert.equal(await again.$eval(menu, (el) => el.value), scene, `${link} does not show scene ${scene} in the menu`);
          }, { query: link });
        }
        assert.equal(new Set(notes.values()).size, scenes.length, `scenes share notes: ${JSON.stringify([...notes])}`);
        assertNoProblems(log);
      });
    });
  }
});

describe('equal-unit charts keep 1:1 (within 2 %)', () => {
  for (const [viewport, where] of [
    [{ width: 1280, height: 800 }, 'at 1280 × 800'],
    [PHONE, 'on a 390 × 844 phone'],
  ]) {
    test(where, { timeout: 240_000 }, () =>
      withPage(browser, '', { viewport }, async ({ page, log }) => {
        const measured = [];
        for (const id of listed) {
          await scrollToFigure(page, id);
          await waitForDrawn(page, id, { drawnOn: drawnOn(id) });
          await waitFor(page, (id) => [...document.querySelectorAll(`figure#${id} canvas[data-chart]`)].every((c) => c.dataset.frame), id, `#${id}'s charts to expose their frames`);
          measured.push(
            ...(await page.$$eval(`figure#${id} canvas[data-chart][data-equal]`, (cs) =>
              cs.map((c) => {
                const [x0, x1, y0, y1, left, right, top, bottom] = c.dataset.frame.split(' ').map(Number);
                const sx = (right - left) / (x1 - x0); // CSS px per data unit along x
                const sy = (bottom - top) / (y1 - y0);
                return { chart: c.dataset.chart, sx, sy, ratio: sx / sy, inside: left >= 0 && top >= 0 && right <= c.clientWidth + 0.5 && bottom <= c.clientHeight + 0.5 };
              }),
            )),
          );
        }
        const names = measured.map((m) => m.chart);
        for (const must of ['claim-candidates', 'sgd-hidden', 'sel-steps']) assert.ok(names.includes(must), `${must} is not marked as an equal-unit chart (${names})`);
        const off = measured.filter((m) => !(Math.abs(m.ratio - 1) <= 0.02) || !m.inside);
        assert.deepEqual(off, [], `charts not 1:1 ${where}`);
        assertNoProblems(log);
      }),
    );
  }
});

test('on a 390 × 844 touch phone every control is at least 44 px high', { timeout: 240_000 }, async () => {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const log = { console: [], pageErrors: [], dialogs: [] };
  const page = watch(await context.newPage(), log);
  try {
    await page.goto(siteUrl(''), { waitUntil: 'load' });
    await waitFor(page, () => !!document.querySelector('figure#glance'), undefined, 'the first screen to mount');
    const small = [];
    let counted = 0;
    for (const id of listed) {
      await scrollToFigure(page, id);
      await openDetails(page, `figure#${id}`);
      const found = await page.$eval(`figure#${id}`, (fig) => {
        const shown = (el) => el.checkVisibility({ visibilityProperty: true }) && el.getBoundingClientRect().width > 0;
        const name = (el) => `${el.tagName.toLowerCase()}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''}${el.dataset.action ? `[data-action=${el.dataset.action}]` : ''}${el.type ? `[type=${el.type}]` : ''}`;
        const out = [];
        for (const el of fig.querySelectorAll('button, select, input, summary, a.back-link')) {
          if (!shown(el)) continue;
          // A checkbox or radio button is its label's target: the label is the box a finger hits.
          const box = (el.type === 'checkbox' || el.type === 'radio') && el.closest('label') ? el.closest('label') : el;
          out.push({ what: name(el), height: box.getBoundingClientRect().height });
        }
        return out;
      }, id);
      counted += found.length;
      small.push(...found.filter((c) => c.height < 43.5).map((c) => `#${id} ${c.what}: ${c.height.toFixed(1)} px`));
    }
    assert.ok(counted > 50, `only ${counted} controls found on the page`);
    assert.deepEqual(small, [], 'controls under 44 px high on a touch phone');
    assert.deepEqual(log.pageErrors, [], 'page errors');
  } finally {
    await context.close();
  }
});

describe('with reduced motion every figure shows a finished still without Play', () => {
  for (const id of listed) {
    test(`#${id}`, { timeout: 90_000 }, () =>
      withFigure(browser, id, async ({ page, log }) => {
        await waitForDrawn(page, id, { drawnOn: drawnOn(id) });
        assert.equal(
          await page.$eval(`figure#${id} [data-action="play"]`, (b) => b.getAttribute('aria-pressed')),
          'false',
          `#${id} plays under reduced motion`,
        );
        // The still is computed: some readout holds a number other than 0, and then holds still.
        await waitFor(
          page,
          (id) => [...document.querySelectorAll(`figure#${id} [data-readout]`)].some((o) => o.dataset.value !== '' && Number(o.dataset.value) !== 0),
          id,
          `#${id}'s readouts to leave their empty values`,
        );
        const first = await page.$eval(`figure#${id} [data-readout]`, (o) => o.dataset.readout);
        // The still's work: a few frames for most figures, some seconds for a heavy one
        // (spectrum measures thousands of steps, in units within the frame budget). Wait
        // until two readings a second apart agree, within a minute.
        let held = await readouts(page, `figure#${id}`);
        for (let waited = 0; ; waited += 1500) {
          await idle(page, 1500);
          const now = await readouts(page, `figure#${id}`);
          if (JSON.stringify(now) === JSON.stringify(held)) break;
          assert.ok(waited < 60_000, `#${id}'s still was not finished after a minute`);
          held = now;
        }
        await assertStill(page, first, 1000, `#${id} went on changing after its still`);
        assert.deepEqual(await readouts(page, `figure#${id}`), held, `#${id}'s readouts changed after its still`);
        assertNoProblems(log);
      }, { reducedMotion: 'reduce' }),
    );
  }
});

test('typed fields restart once per committed value, not on every keystroke', { timeout: 180_000 }, () =>
  withPage(browser, '', {}, async ({ page, log }) => {
    // Every address the page writes, in order.
    await page.evaluate(() => {
      window.__urls = [];
      const replace = history.replaceState.bind(history);
      history.replaceState = (state, title, url) => {
        window.__urls.push(String(url ?? ''));
        return replace(state, title, url);
      };
    });
    let fields = 0;
    for (const id of listed) {
      await scrollToFigure(page, id);
      await openDetails(page, `figure#${id}`);
      const names = await page.$$eval(`figure#${id} input[type="text"][name], figure#${id} input[type="number"][name]`, (els) =>
        els.filter((el) => !el.readOnly).map((el) => el.name),
      );
      for (const name of names) {
        fields++;
        const field = page.locator(`figure#${id} input[name="${name}"]`);
        const key = id === 'duel' ? name : `${id}.${name}`;
        const stepBefore = id === 'duel' ? await (async () => {
          await waitForReadout(page, 'duel.step', { above: 0 });
          await pause(page, id);
          return readout(page, 'duel.step');
        })() : null;
        const written = () => page.evaluate((key) => window.__urls.map((u) => new URL(u, location.href).searchParams.get(key)), key);
        const before = (await written()).length;
        await field.click();
        await field.press('Control+a');
        for (const ch of '128') {
          await field.press(ch);
          await frames(page, 3);
        }
        const typed = (await written()).slice(before);
        assert.ok(!typed.includes('1') && !typed.includes('12'), `#${id} ${name} was committed while being typed: ${typed}`);
        if (stepBefore !== null) assert.equal(await readout(page, 'duel.step'), stepBefore, `#${id} restarted while ${name} was being typed`);
        await field.press('Enter');
        await waitFor(page, (key) => new URLSearchParams(location.search).get(key) === '128', key, `Enter to commit ${key}=128`);
        await frames(page, 5);
        const after = (await written()).slice(before);
        const values = after.filter((v) => v !== null);
        assert.ok(!values.includes('1') && !values.includes('12'), `#${id} ${name}: the page wrote ${values} for one typed 128`);
        if (stepBefore !== null) assert.equal(await readout(page, 'duel.step'), 0, `#${id} did not restart on Enter`);
      }
    }
    assert.ok(fields >= 1, 'no typed field on the page');
    assertNoProblems(log);
  }),
);

test("the claim figure's strip tells the measured mean, the exact theory and k|∇f| apart", () =>
  withFigure(browser, 'claim', async ({ page, log }) => {
    await waitForDrawn(page, 'claim', { layers: true });
    await idle(page, 1500);
    const n = {};
    for (const k of ['mean', 'mean.lo', 'mean.hi', 'theory', 'k']) n[k] = await readout(page, `claim.${k}`);
    for (const [k, v] of Object.entries(n)) assert.ok(Number.isFinite(v), `claim.${k} holds no number`);
    // Fixed seed: the 99.9 % interval of the measured mean covers the exact theory.
    assert.ok(n['mean.lo'] <= n.theory && n.theory <= n['mean.hi'], `theory ${n.theory} outside the interval [${n['mean.lo']}, ${n['mean.hi']}]`);
    const marks = await page.evaluate((n) => {
      const frameOfChart = (name) => {
        const c = document.querySelector(`canvas[data-chart="${name}"]`);
        const [x0, x1, y0, y1, left, right, top, bottom] = c.dataset.frame.split(' ').map(Number);
        return { c, x0, x1, y0, y1, left, right, top, bottom, sx: (right - left) / (x1 - x0) };
      };
      const strip = frameOfChart('claim-strip');
      const cloud = frameOfChart('claim-candidates');
      const overlay = strip.c.parentElement.querySelector('canvas[data-layer="overlay"]');
      const dpr = overlay.width / overlay.clientWidth;
      // Read through a scratch canvas, leaving the figure's own context as it is.
      const scratch = document.createElement('canvas');
      scratch.width = overlay.width;
      scratch.height = overlay.height;
      const ctx = scratch.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(overlay, 0, 0);
      const px = (x) => strip.left + ((x - strip.x0) / (strip.x1 - strip.x0)) * (strip.right - strip.left);
      const py = (y) => strip.top + ((strip.y1 - y) / (strip.y1 - strip.y0)) * (strip.bottom - strip.top);
      // Whether the overlay has a drawn pixel within 4 CSS px of (x, y).
      const inked = (x, y) => {
        const d = ctx.getImageData(Math.round((x - 4) * dpr), Math.round((y - 4) * dpr), Math.round(8 * dpr), Math.round(8 * dpr)).data;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 128) return true;
        return false;
      };
      // The rows, top to bottom: measured, exact theory, small-step (the strip's chart label names them in that order).
      const rows = [2.5, 1.5, 0.5];
      const at = [n.mean, n.theory, n.k].map((v, i) => ({ x: px(v), y: py(rows[i]) }));
      return {
        at,
        inside: at.every((p) => p.x >= strip.left && p.x <= strip.right),
        inked: at.map((p) => inked(p.x, p.y)),
        zoom: strip.sx / cloud.sx,
        interval: px(n['mean.hi']) - px(n['mean.lo']),
      };
    }, n);
    assert.ok(marks.inside, `a mean lies outside the strip: ${JSON.stringify(marks)}`);
    assert.deepEqual(marks.inked, [true, true, true], `marks missing at the three means: ${JSON.stringify(marks)}`);
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        const d = Math.hypot(marks.at[i].x - marks.at[j].x, marks.at[i].y - marks.at[j].y);
        assert.ok(d >= 12, `marks ${i} and ${j} are ${d.toFixed(1)} px apart`);
      }
    }
    assert.ok(marks.zoom >= 4, `the strip magnifies the cloud's scale only ${marks.zoom.toFixed(1)}×`);
    assert.ok(marks.interval >= 4, `the measured interval is ${marks.interval.toFixed(1)} px wide`);
    await screenshot(page.locator('figure#claim'), 'reading-claim-strip');
    assertNoProblems(log);
  }, { reducedMotion: 'reduce' }),
);

describe('embeds', () => {
  let host;
  before(async () => {
    const pages = {};
    for (const id of listed) pages[`/${id}.html`] = embeddingPage(`A blog that embeds ${id}`, [{ id: 'frame', src: siteUrl(`?embed=${id}`), height: 600 }]);
    host = await serve({ pages });
  });
  after(() => host?.close());

  for (const id of listed) {
    test(`#${id} fits a 700 × 600 frame with its charts, a link back to the article, and its tools in one menu`, { timeout: 90_000 }, async () => {
      const { page, context, log } = await newPage(browser, { viewport: { width: 700, height: 600 } });
      try {
        await page.goto(`${host.url}${id}.html`, { waitUntil: 'load' });
        const frame = await frameOf(page, 'frame');
        await waitFor(frame, (id) => !!document.querySelector(`figure#${id}`), id, `#${id} to mount in the frame`);
        await waitForDrawn(frame, id, { layers: true });
        await waitForHeightMessage(page, 'frame', id);
        const seen = await frame.evaluate((id) => {
          const fig = document.querySelector(`figure#${id}`);
          const box = (el) => el.getBoundingClientRect();
          const charts = [...fig.querySelectorAll('canvas[data-chart]')].map((c) => ({ chart: c.dataset.chart, top: box(c).top, bottom: box(c).bottom, width: box(c).width }));
          const back = fig.querySelector('a[data-link="article"]');
          const menu = fig.querySelector('details[data-menu="export"]');
          return {
            height: innerHeight,
            width: innerWidth,
            scrollWidth: document.documentElement.scrollWidth,
            charts,
            back: back && { href: back.href, target: back.target, top: box(back).top, bottom: box(back).bottom, text: back.textContent.trim() },
            menu: menu && { open: menu.open, actions: [...menu.querySelectorAll('[data-action]')].map((b) => b.dataset.action) },
            outsideMenu: [...fig.querySelectorAll('[data-action="copy-link"], [data-action="copy-embed"], [data-action="png"], [data-action="csv"]')].filter((b) => !b.closest('details[data-menu="export"]')).map((b) => b.dataset.action),
          };
        }, id);
        assert.ok(seen.charts.length > 0, `#${id} shows no chart`);
        const out = seen.charts.filter((c) => c.width < 50 || c.top < 0 || c.bottom > seen.height + 0.5);
        assert.deepEqual(out, [], `charts of #${id} not wholly inside the ${seen.width} × ${seen.height} frame`);
        assert.ok(seen.scrollWidth <= seen.width, `#${id} is ${seen.scrollWidth} px wide in a ${seen.width}-px frame`);
        assert.ok(seen.back, `#${id} has no link back to the article`);
        const back = new URL(seen.back.href);
        assert.equal(back.origin + back.pathname, siteUrl(''), `the link back goes to ${seen.back.href}`);
        assert.equal(back.hash, `#${id}`, `the link back does not go to the figure: ${seen.back.href}`);
        assert.equal(back.search, '', `the link back keeps the embed query: ${seen.back.href}`);
        assert.ok(['_blank', '_top'].includes(seen.back.target), `the link back opens inside the frame (target "${seen.back.target}")`);
        assert.ok(seen.back.top >= 0 && seen.back.bottom <= seen.height, `the link back is outside the frame's first screen (${seen.back.top}–${seen.back.bottom})`);
        assert.ok(seen.menu, `#${id} has no export menu`);
        assert.equal(seen.menu.open, false, 'the export menu starts folded');
        for (const a of ['copy-link', 'copy-embed', 'png']) assert.ok(seen.menu.actions.includes(a), `the export menu lacks ${a}: ${seen.menu.actions}`);
        assert.deepEqual(seen.outsideMenu, [], 'export buttons outside the menu');
        // The menu opens from the keyboard.
        await frame.focus(`figure#${id} details[data-menu="export"] > summary`);
        await page.keyboard.press('Enter');
        await waitFor(frame, (id) => document.querySelector(`figure#${id} details[data-menu="export"]`).open, id, 'Enter to open the export menu');
        await frame.evaluate((id) => document.querySelector(`figure#${id} details[data-menu="export"]`).open = false, id);
        await screenshot(page, `reading-embed-${id}`, { fullPage: false });
        assertNoProblems(log);
      } finally {
        await context.close();
      }
    });
  }

  test('the link back opens the article at the figure', async () => {
    const { page, context, log } = await newPage(browser);
    try {
      await page.goto(siteUrl('#duel'), { waitUntil: 'load' });
      await waitFor(page, () => {
        const f = document.querySelector('figure#duel');
        if (!f) return false;
        const r = f.getBoundingClientRect();
        return r.top < innerHeight && r.bottom > 0;
      }, undefined, 'the article to open with #duel on screen');
      assertNoProblems(log);
    } finally {
      await context.close();
    }
  });

  test("the copied embed code sizes a 700-px-wide frame to the compact figure, and it stays so", { timeout: 90_000 }, async () => {
    const { page, context, log } = await newPage(browser, { viewport: { width: 700, height: 600 } });
    try {
      await page.goto(siteUrl('?embed=duel'), { waitUntil: 'load' });
      await waitFor(page, () => !!document.querySelector('figure#duel'), undefined, 'the duel to mount');
      await page.click('#duel details[data-menu="export"] > summary');
      await page.click('#duel [data-action="copy-embed"]');
      await waitFor(page, () => !!document.querySelector('#duel input[name="shared"]')?.value, undefined, 'the embed code');
      const snippet = await page.$eval('#duel input[name="shared"]', (el) => el.value);
      const blog = await serve({ pages: { '/blog.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Blog</title><link rel="icon" href="data:,"></head><body style="margin:0;width:700px">${snippet}</body></html>` } });
      try {
        const other = watch(await context.newPage(), log);
        await other.goto(`${blog.url}blog.html`, { waitUntil: 'load' });
        await waitFor(other, () => parseFloat(document.querySelector('iframe')?.style.height ?? '') > 200, undefined, 'the snippet to size its frame');
        const frame = await (await other.$('iframe')).contentFrame();
        await waitForReadout(frame, 'duel.step', { above: 20 });
        await idle(other, 1500);
        const height = await other.$eval('iframe', (f) => parseFloat(f.style.height));
        await idle(other, 2000);
        assert.equal(await other.$eval('iframe', (f) => parseFloat(f.style.height)), height, 'the frame kept growing');
        // Laid out as in the article, the figure is over 1,500 px tall at this width.
        assert.ok(height <= 1200, `the snippet grew the frame to ${height} px`);
        const charts = await frame.$$eval('canvas[data-chart]', (cs) => cs.map((c) => c.getBoundingClientRect().bottom));
        assert.ok(Math.max(...charts) <= 600, `the charts end at ${Math.max(...charts)} px, below the first 600 px`);
      } finally {
        await blog.close();
      }
    } finally {
      await context.close();
    }
  });
});

test('no caption, takeaway, note or figure prose names a mark by its colour', { timeout: 180_000 }, () =>
  withPage(browser, '', {}, async ({ page }) => {
    for (const id of listed) await scrollToFigure(page, id);
    await openDetails(page, 'main');
    const texts = await page.evaluate(() => {
      const pick = (sel) => [...document.querySelectorAll(sel)].map((el) => ({ where: sel, text: el.textContent }));
      // The prose of every section that holds a figure, and each figure's own words.
      const prose = [...document.querySelectorAll('section')].filter((s) => s.querySelector('[data-figure-slot], figure.figure')).flatMap((s) => [...s.querySelectorAll('.prose p, p.live')].map((p) => ({ where: `#${s.getAttribute('aria-labelledby')} prose`, text: p.textContent })));
      return [...pick('figcaption'), ...pick('.takeaway'), ...pick('.scene-notice'), ...pick('.chart-label'), ...pick('.masthead .dek'), ...prose];
    });
    const colour = /\b(black|white|blue|orange|red|green|gr[ae]y|yellow|purple|pink|vermill?ion|dark|light|pale)\b(?!'s)/gi;
    // A colour may be named with a shape ("blue squares"), never alone.
    const shape = /^\W+(?:\w+\W+)?(squares?|crosses|cross|dots?|circles?|triangles?|rings?|plus signs?)\b/i;
    const found = [];
    for (const { where, text } of texts) {
      for (const m of text.matchAll(colour)) {
        if (shape.test(text.slice(m.index + m[0].length))) continue;
        found.push(`${where}: "…${text.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\s+/g, ' ')}…"`);
      }
    }
    assert.ok(texts.length > 20, `only ${texts.length} texts scanned`);
    assert.deepEqual(found, [], 'words that name a mark by its colour');
  }),
);
