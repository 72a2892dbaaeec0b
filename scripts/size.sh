#!/usr/bin/env bash
# Prints the raw, gzip and brotli sizes of each file in dist/ (html, css, js, wasm) and two
# totals: what a first visit downloads (index.html and the files it names), and all files.
# Compresses with node's zlib at maximum levels, as a static host would, so nothing extra
# needs installing. Usage: scripts/size.sh [DIR]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${1:-dist}
[ -d "$dir" ] || {
    echo "size: no $dir/ — run 'trunk build --release' first" >&2
    exit 1
}

node --input-type=module - "$dir" <<'JS'
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const root = process.argv[2];
const wanted = /\.(html|css|js|wasm)$/;
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (wanted.test(name)) files.push(path);
  }
})(root);
if (files.length === 0) {
  console.error(`size: no html, css, js or wasm files in ${root}/`);
  process.exit(1);
}

const bytes = (n) => `${n.toLocaleString('en-US')} B`;
const rows = files.map((path) => {
  const data = readFileSync(path);
  return {
    name: relative(root, path),
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }).length,
  };
});
const sum = (name, list) =>
  list.reduce((t, r) => ({ name, raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
    { name, raw: 0, gzip: 0, brotli: 0 });
// What a first visit downloads: index.html and every file it loads (scripts, styles,
// preloads, and what its start-up script imports) — not files it only links to, such as
// the offline download.
const index = rows.find((r) => r.name === 'index.html');
const indexText = index ? readFileSync(join(root, 'index.html'), 'utf8') : '';
const loads = (text) => [...text.matchAll(/(?:src|href)=["']?\.?\/?([\w.-]+\.(?:js|css|wasm))/g)].map((m) => m[1])
  .concat([...text.matchAll(/(?:from|import\(|module_or_path:)\s*["']\.\/([\w.-]+\.(?:js|wasm))/g)].map((m) => m[1]));
const named = new Set(loads(indexText));
for (const name of [...named]) {
  if (name.endsWith('.js') && rows.some((r) => r.name === name)) loads(readFileSync(join(root, name), 'utf8')).forEach((n) => named.add(n));
}
const firstLoad = rows.filter((r) => r === index || named.has(r.name));
const totals = [sum('total: first visit (index.html + what it loads)', firstLoad), sum('total: every file', rows)];

const width = Math.max(...[...rows, ...totals].map((r) => r.name.length));
const line = (r) => `${r.name.padEnd(width)}  ${bytes(r.raw).padStart(11)}  ${bytes(r.gzip).padStart(11)}  ${bytes(r.brotli).padStart(11)}`;
console.log(`${'file'.padEnd(width)}  ${'raw'.padStart(11)}  ${'gzip'.padStart(11)}  ${'brotli'.padStart(11)}`);
rows.forEach((r) => console.log(line(r)));
totals.forEach((t) => console.log(line(t)));
JS
