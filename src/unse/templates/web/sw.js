// The service worker of the installable web app: it keeps one offline page and shows it when a page
// cannot be loaded without a network. Nothing else is cached here (readings are personal and live).
const CACHE = "unse-offline-{{ version }}";
const OFFLINE = "{{ offline_url }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([OFFLINE, ...{{ assets|safe }}])));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))),
  );
  self.clients.claim();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // Only GET: a result page came from a POST, and "back" to it must stay the browser's own business.
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  } else {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
