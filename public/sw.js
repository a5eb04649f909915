// Weft service worker: keeps the whole built app (the hashed shell and every lazily loaded wasm
// chunk in /pkg, listed at build time by `cargo xtask`, which prepends WEFT_VERSION and
// WEFT_PRECACHE to this file) so the app opens with no network, including screens never opened
// online. Data is not cached here: chats live in IndexedDB, and /api is never cached.
/* global WEFT_VERSION, WEFT_PRECACHE */
const SHELL_CACHE = `weft-shell-${WEFT_VERSION}`;
// Things shared into Weft from other apps wait here until the member picks a conversation (the
// app reads them from `/share-inbox/<id>` and its files from `/share-inbox/<id>/<n>`, then deletes
// them; signing out deletes this cache with the rest of the member's data).
const SHARE_CACHE = "weft-share";
const SHARE_ACTION = "/share-target";

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
  const url = new URL(request.url);
  if (request.method === "POST" && url.origin === self.location.origin && url.pathname === SHARE_ACTION) {
    event.respondWith(receiveShare(request));
    return;
  }
  if (request.method !== "GET") return;
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

// Web Push (the server encrypts per RFC 8291; the browser decrypts before this runs). The payload
// is `weft_protocol::push::PushPayload`: {kind, title, body, tag, url, unread}.
// The rule: every open window of the app is told (`weft-push`) and shows an in-app banner; the
// system notification is shown unless a window of the app is visible (then the banner is
// enough). Notifications are grouped per conversation by `tag`, and a new one re-alerts.
// The app badge shows the member's unread total from the payload.
self.addEventListener("push", (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = {};
  }
  event.waitUntil(showPush(payload));
});

async function showPush(payload) {
  const title = payload.title || "Weft";
  const url = typeof payload.url === "string" && payload.url.startsWith("/") ? payload.url : "/";
  const unread = Number.isInteger(payload.unread) ? payload.unread : null;
  const badge =
    unread === null || !("setAppBadge" in self.navigator)
      ? Promise.resolve()
      : (unread > 0 ? self.navigator.setAppBadge(unread) : self.navigator.clearAppBadge()).catch(() => {});
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    client.postMessage({ type: "weft-push", payload: { ...payload, title, url } });
  }
  const visible = windows.some((client) => client.visibilityState === "visible");
  const shown = visible
    ? Promise.resolve()
    : self.registration.showNotification(title, {
        body: payload.body || "",
        tag: payload.tag || url,
        renotify: Boolean(payload.tag),
        icon: "/icons/icon-192.png",
        badge: "/icons/icon-192.png",
        data: { url, kind: payload.kind || "message" },
      });
  await Promise.all([badge, shown]);
}

// A click opens the conversation or approval: an open window of the app is focused and told to
// go there (`weft-open`, routed inside the app so nothing reloads); without one, a new window
// opens at that address.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || "/";
  const url = new URL(path, self.location.origin).href;
  event.waitUntil(openApp(url));
});

async function openApp(url) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const client = windows.find((w) => w.focused) || windows.find((w) => w.visibilityState === "visible") || windows[0];
  if (client) {
    client.postMessage({ type: "weft-open", url });
    try {
      await client.focus();
    } catch {
      // Focusing needs a user gesture in some browsers; the window still navigates.
    }
    return;
  }
  await self.clients.openWindow(url);
}

// Web Share Target (manifest `share_target`): the phone's share sheet posts the shared title,
// text, link and files here. They are kept on the device, network or not, and the app opens its
// Share screen to pick the conversation; sending then goes through the outbox like any message.
async function receiveShare(request) {
  let form;
  try {
    form = await request.formData();
  } catch {
    return Response.redirect("/share?error=unreadable", 303);
  }
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const text = (name) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const files = form.getAll("files").filter((file) => typeof file !== "string" && file.size > 0);
  const cache = await caches.open(SHARE_CACHE);
  await Promise.all(
    files.map((file, index) =>
      cache.put(
        `/share-inbox/${id}/${index}`,
        new Response(file, { headers: { "content-type": file.type || "application/octet-stream" } }),
      ),
    ),
  );
  const meta = {
    title: text("title"),
    text: text("text"),
    url: text("url"),
    files: files.map((file) => ({ name: file.name, type: file.type, size: file.size })),
    received_at: Date.now(),
  };
  await cache.put(`/share-inbox/${id}`, new Response(JSON.stringify(meta), { headers: { "content-type": "application/json" } }));
  return Response.redirect(`/share?id=${encodeURIComponent(id)}`, 303);
}
