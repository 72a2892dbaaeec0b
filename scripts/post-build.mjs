// Runs after each Trunk build, on the staged files:
// 1. Moves Trunk's inline start-up script out of index.html into a file of its own
//    (start-<hash>.js), so the page runs under a Content-Security-Policy that allows
//    scripts from the site only ('self', no 'unsafe-inline').
// 2. Names the service worker's cache after the build, so a new build replaces the old
//    cache on the next visit.
// 3. Builds one self-contained HTML file: styles, scripts and the WebAssembly (base64)
//    inlined, so the page works opened from disk (file://). That file needs inline
//    scripts, so it is exempt from such a policy (it is never served by a host).
// Usage: node scripts/post-build.mjs [DIR]   (DIR defaults to $TRUNK_STAGING_DIR or dist)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR || 'dist';
const OUT = 'selection-sgd-offline.html';
const files = readdirSync(dir);
const pick = (re) => {
  const f = files.find((n) => re.test(n));
  if (!f) throw new Error(`single-file: no file matching ${re} in ${dir}`);
  return f;
};
const htmlName = 'index.html';

// 1. The start-up script, out of the page.
{
  const page = readFileSync(join(dir, htmlName), 'utf8');
  const inline = /<script type="?module"?>([\s\S]*?)<\/script>/.exec(page);
  if (!inline) throw new Error('post-build: no inline start-up script in index.html');
  const hash = createHash('sha256').update(inline[1]).digest('hex').slice(0, 16);
  const startName = `start-${hash}.js`;
  writeFileSync(join(dir, startName), inline[1]);
  writeFileSync(
    join(dir, htmlName),
    page.replace(inline[0], `<script type="module" src="./${startName}"></script>`),
  );
  if (/<script(?![^>]*\bsrc=)[^>]*>/.test(readFileSync(join(dir, htmlName), 'utf8'))) {
    throw new Error('post-build: index.html still has an inline script');
  }
  console.log(`post-build: start-up script moved to ${startName}`);
}

// 2. The service worker's cache, named after this build: a new build is a new sw.js,
//    which the browser installs on the next visit, and its activation deletes the old
//    caches (public/sw.js).
{
  const page = readFileSync(join(dir, htmlName), 'utf8');
  const build = createHash('sha256').update(page).digest('hex').slice(0, 16);
  const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
  const stamped = sw.replace(/const CACHE = 'selection-sgd-[\w-]*';/, `const CACHE = 'selection-sgd-${build}';`);
  if (stamped === sw) throw new Error("post-build: no `const CACHE = 'selection-sgd-…'` line in sw.js");
  writeFileSync(join(dir, 'sw.js'), stamped);
  console.log(`post-build: service worker cache selection-sgd-${build}`);
}

// 3. The single file.
const css = readFileSync(join(dir, pick(/^main-.*\.css$/)), 'utf8');
const jsName = pick(/^selection-sgd-[\w]+\.js$/);
const wasm = readFileSync(join(dir, pick(/^selection-sgd-[\w]+_bg\.wasm$/)));
let js = readFileSync(join(dir, jsName), 'utf8');

// The glue is an ES module; inline it into the page's module script. Its exports
// become plain declarations; the default export is wasm-bindgen's init function.
js = js
  .replace(/^export\s*\{[^}]*\};?\s*$/gm, '')
  .replace(/^export\s+(?=(async\s+)?function|class|const|let|var)/gm, '');
if (/^\s*export\s/m.test(js) || /^\s*import\s/m.test(js)) {
  throw new Error('single-file: the glue has import/export forms this script does not know');
}
const boot = `${js}
const __bytes = Uint8Array.from(atob(${JSON.stringify(wasm.toString('base64'))}), (c) => c.charCodeAt(0));
await __wbg_init({ module_or_path: __bytes });
`;

let html = readFileSync(join(dir, htmlName), 'utf8');
// Drop the external loader, preloads and stylesheet; add the inlined ones.
const bootJs = readFileSync(join(dir, 'boot.js'), 'utf8');
html = html
  .replace(/<script type="?module"? src="?[^">]*"?><\/script>/, '')
  .replace(/<script src="?(\.\/)?boot\.js"?><\/script>/, () => `<script>${bootJs}</script>`)
  .replace(/<link[^>]*rel="?(modulepreload|preload|stylesheet)"?[^>]*>/g, '');
if (/\.\/(selection-sgd-[0-9a-f]+[._]|main-|start-)/.test(html) || /src="?(\.\/)?boot\.js/.test(html)) {
  throw new Error('single-file: a reference to a build file is left');
}
const escapeScript = (s) => s.replace(/<\/script/gi, '<\\/script');
html = html.replace('</head>', `<style>${css}</style><script type="module">${escapeScript(boot)}</script></head>`);
writeFileSync(join(dir, OUT), html);
console.log(`single-file: wrote ${join(dir, OUT)} (${(html.length / 1024).toFixed(0)} KiB)`);
