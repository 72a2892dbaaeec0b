// The site's service worker: after the first visit the page works with the network cut.
// Pages are fetched network-first (so a new build is picked up when online) and fall
// back to the cached copy; the hashed assets are cache-first. Only this origin's GET
// requests are handled; nothing is ever sent anywhere else.
//
// Upgrades: scripts/post-build.mjs stamps the cache's name below with a hash of the
// build's index.html (which names every hashed asset), so each build's sw.js differs and
// the browser installs it on the next visit. The new worker takes over at once
// (skipWaiting, clients.claim) and deletes every older cache; the page itself was already
// fetched from the network, so the new build is live on that visit with no reload.
const CACHE = 'selection-sgd-dev';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch('./', { cache: 'no-cache' });
    const html = await page.clone().text();
    await cache.put('./', page);
    // The build's own assets, named in its index.html (./name-hash.js, .wasm, .css).
    const assets = [...new Set([...html.matchAll(/\.\/[\w.-]+\.(?:js|wasm|css)/g)].map((m) => m[0]))];
    await cache.addAll(assets);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    // A worker being replaced may still answer a request or two: it must not bring back
    // its cache once the new worker has deleted it.
    const current = await caches.has(CACHE);
    const cache = current ? await caches.open(CACHE) : null;
    if (request.mode === 'navigate') {
      try {
        const fresh = await fetch(request);
        // Only the site's own page is kept as the offline copy, not other documents
        // (such as the single-file download).
        const path = new URL(request.url).pathname;
        if (cache && fresh.ok && (path === self.registration.scope.replace(self.location.origin, '') || path.endsWith('/index.html'))) {
          await cache.put('./', fresh.clone());
        }
        return fresh;
      } catch (_) {
        return (cache && (await cache.match('./'))) || Response.error();
      }
    }
    const hit = cache && (await cache.match(request, { ignoreSearch: true }));
    if (hit) return hit;
    const fresh = await fetch(request);
    if (cache && fresh.ok) await cache.put(request, fresh.clone());
    return fresh;
  })());
});
