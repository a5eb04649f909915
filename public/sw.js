// Weft service worker: keeps the whole built app (the hashed shell and every lazily loaded wasm
// chunk in /pkg, listed at build time by `cargo xtask`, which prepends WEFT_VERSION and
// WEFT_PRECACHE to this file) so the app opens with no network, including screens never opened
// online. Data is not cached here: chats live in IndexedDB, and /api is never cached.
/* global WEFT_VERSION, WEFT_PRECACHE */
const SHELL_CACHE = `weft-shell-${WEFT_VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(WEFT_PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("weft-shell-") && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;

  if (request.mode === "navigate") {
    // Every app address is the same single page: answer from the shell, network as fallback.
    event.respondWith(
      caches
        .open(SHELL_CACHE)
        .then((cache) => cache.match("/index.html"))
        .then((cached) => cached || fetch(request)),
    );
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: SHELL_CACHE }).then((cached) => cached || fetch(request)),
  );
});
