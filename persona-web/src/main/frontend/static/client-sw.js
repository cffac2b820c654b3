// The phone client's service worker: keeps the page's shell (the page, its script, manifest and icon) so that the
// installed app opens without the network and then reconnects. It caches nothing else: conversations travel over
// the data channel, signaling over its WebSocket, and neither is ever fetched through this cache. The build
// (build.mjs) writes the content-hashed names of the script, manifest and icon in: those never change, so they are
// answered from the cache without asking the network; the page itself is fetched from the network first (a 304 when
// unchanged), so an updated host is seen at once, and the cache answers only when the network does not. A new build
// names a new cache; the old one is deleted when this worker takes over.
const SHELL = ['/client', '/client.js', '/client-manifest.json', '/client-icon.svg'];
const PAGE = SHELL[0];
const CACHE = 'persona-shell ' + SHELL.slice(1).join(' ');

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || !SHELL.includes(url.pathname)) return;
  if (url.pathname !== PAGE) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached ?? fetchAndKeep(event.request, url)));
    return;
  }
  event.respondWith(fetchAndKeep(event.request, url)
    .catch(() => caches.match(url.pathname).then((cached) => cached ?? Response.error())));
});

function fetchAndKeep(request, url) {
  return fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
    }
    return response;
  });
}
