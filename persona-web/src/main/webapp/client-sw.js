// The phone client's service worker: keeps the page's shell (the page, its script, manifest and icon) so that the
// installed app opens without the network and then reconnects. It caches nothing else: conversations travel over
// the data channel, signaling over its WebSocket. The shell is fetched from the network first, so an updated host
// is seen at once; the cache answers only when the network does not.
const CACHE = 'persona-shell-v1';
const SHELL = ['/client', '/client.js', '/client-manifest.json', '/client-icon.svg'];

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
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
    }
    return response;
  }).catch(() => caches.match(url.pathname).then((cached) => cached ?? Response.error())));
});
