// Service worker of the field form (ASSETS is prepended by the server): the page and its
// scripts come from the network when there is a signal and from this cache when there is not.
const CACHE = "siaga-field-v1";
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;  // reports are queued by the page, never by the cache
  event.respondWith(
    fetch(request).then((response) => {
      if (response.ok && ASSETS.some((a) => request.url.endsWith(a) || new URL(request.url).pathname === a)) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(new URL(request.url).pathname, copy));
      }
      return response;
    }).catch(() => caches.match(new URL(request.url).pathname))
  );
});
