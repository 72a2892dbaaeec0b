// A small static file server for the end-to-end tests, so a test can serve the build
// where it needs it (at the root, under a sub-path, or on a second origin) and stop it
// when it wants to (e.g. to cut the network under a service worker).
//
//   const server = await serve({ root: distDir(), prefix: '/deep/sub/path/' });
//   server.url        // 'http://127.0.0.1:PORT/deep/sub/path/'
//   server.requests   // [{ method, path, status }] for every request it answered
//   await server.close();
//
// In-memory pages: serve({ pages: { '/parent.html': '<!doctype html>…' } }) answers those
// paths with that HTML (alone, or next to a directory).
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (the parent of e2e/). */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built site: $DIST_DIR, or the repository's dist/ (which scripts/check.sh builds). */
export function distDir() {
  return resolve(process.env.DIST_DIR || join(REPO, 'dist'));
}

/** Content types by file extension; anything else is application/octet-stream. */
export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.map': 'application/json',
};

/**
 * Starts a server on 127.0.0.1 at a free port.
 *
 * - root: a directory to serve (optional); a directory URL serves its index.html.
 * - prefix: the URL path the directory appears under ('/' by default; '/a/b/' serves
 *   root/x at /a/b/x). Requests outside it are 404; the prefix without its trailing
 *   slash redirects to it, as a static host would.
 * - pages: { '/path': html } answered from memory, before the directory.
 * - headers: extra response headers for every answer (e.g. a Content-Security-Policy).
 *
 * Resolves to { url, origin, port, requests, setRoot(dir), close() }.
 */
export async function serve({ root, prefix = '/', pages = {}, headers: extra = {} } = {}) {
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`prefix must start and end with "/": ${prefix}`);
  let base = root ? resolve(root) : null;
  const requests = [];

  const server = createServer({ maxHeaderSize: 1 << 20 }, async (req, res) => {
    const entry = { method: req.method, path: req.url, status: 0 };
    requests.push(entry);
    const send = (status, headers, body) => {
      entry.status = status;
      res.writeHead(status, { 'Cache-Control': 'no-cache', ...extra, ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { Allow: 'GET, HEAD' }, 'method not allowed');
      let pathname;
      try {
        pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      } catch {
        return send(400, { 'Content-Type': 'text/plain' }, 'bad request');
      }

      if (Object.hasOwn(pages, pathname)) {
        return send(200, { 'Content-Type': CONTENT_TYPES['.html'] }, pages[pathname]);
      }
      if (!base) return send(404, { 'Content-Type': 'text/plain' }, 'not found');
      if (pathname === prefix.slice(0, -1) && prefix !== '/') {
        const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        return send(301, { Location: prefix + query }, '');
      }
      if (!pathname.startsWith(prefix)) return send(404, { 'Content-Type': 'text/plain' }, 'not found');

      let file = resolve(base, '.' + sep + pathname.slice(prefix.length));
      if (file !== base && !file.startsWith(base + sep)) return send(403, { 'Content-Type': 'text/plain' }, 'forbidden');
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(404, { 'Content-Type': 'text/plain' }, 'not found');

      entry.status = 200;
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
        ...extra,
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (err) {
      if (!res.headersSent) send(500, { 'Content-Type': 'text/plain' }, String(err));
      else res.destroy();
    }
  });

  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    url: origin + prefix,
    requests,
    /** Serves directory `root` from now on (a new build deployed in place). */
    setRoot(root) {
      base = resolve(root);
    },
    /** Stops listening and drops every open connection (keep-alive ones too). */
    close() {
      return new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
