// Builds one self-contained HTML file from a Trunk build: styles, the JavaScript glue
// and the WebAssembly (base64) inlined, so the page works opened from disk (file://).
// Usage: node scripts/single-file.mjs [DIR]   (DIR defaults to $TRUNK_STAGING_DIR or dist)
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
html = html
  .replace(/<script type="?module"?>[\s\S]*?<\/script>/, '')
  .replace(/<link[^>]*rel="?(modulepreload|preload|stylesheet)"?[^>]*>/g, '');
if (/\.\/(selection-sgd|main)-/.test(html)) throw new Error('single-file: a reference to a build file is left');
const escapeScript = (s) => s.replace(/<\/script/gi, '<\\/script');
html = html.replace('</head>', `<style>${css}</style><script type="module">${escapeScript(boot)}</script></head>`);
writeFileSync(join(dir, OUT), html);
console.log(`single-file: wrote ${join(dir, OUT)} (${(html.length / 1024).toFixed(0)} KiB)`);
