// The installable, offline-first shell: manifest and service worker make Chromium report no
// installability errors; the server's headers hold a strict CSP that the app runs under.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./support/server.js";
import { launchPersistent, watchErrors } from "./support/browser.js";
import { SignInPage, ChatsPage } from "./support/pages.js";

let server;
let context;

before(async () => {
  server = await startServer();
  context = await launchPersistent();
});

after(async () => {
  await context?.close();
  await server?.stop();
  server?.cleanup();
});

test("Chromium reports no installability errors", async () => {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await context.newCDPSession(page);
  let errors = [];
  // The check needs the worker to control the page; give it a few tries.
  for (let attempt = 0; attempt < 10; attempt++) {
    ({ installabilityErrors: errors } = await cdp.send("Page.getInstallabilityErrors"));
    if (errors.length === 0) break;
    await page.waitForTimeout(500);
  }
  assert.deepEqual(errors, []);
  const manifest = await (await page.request.get(`${server.url}/manifest.webmanifest`)).json();
  assert.equal(manifest.display, "standalone");
  assert.ok(manifest.icons.some((icon) => icon.sizes === "512x512"));
  await page.close();
});

test("the page runs under a strict CSP with no violations", async () => {
  const page = await context.newPage();
  const errors = watchErrors(page);
  const response = await page.goto(`${server.url}/sign-in`);
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(response.headers()["cache-control"], "no-cache");
  const signIn = new SignInPage(page, server.url);
  await signIn.signIn("wangwu");
  await new ChatsPage(page, server.url).waitForList();
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/.test(e)), []);
  await page.close();
});

test("the service worker precaches the hashed shell and never caches the API", async () => {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls = [];
    for (const name of names) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
    }
    return { names, urls };
  });
  assert.ok(cached.names.some((n) => n.startsWith("weft-shell-")), JSON.stringify(cached.names));
  assert.ok(cached.urls.some((u) => /^\/weft-[0-9a-f]{16}_bg\.wasm$/.test(u)), JSON.stringify(cached.urls));
  assert.ok(cached.urls.includes("/index.html"));
  assert.ok(!cached.urls.some((u) => u.startsWith("/api/")));
  await page.close();
});
