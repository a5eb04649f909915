// The installable, offline-first shell: manifest and service worker make Chromium report no
// installability errors; the server's headers hold a strict CSP that the app runs under.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "./support/server.js";
import { launchPersistent, watchErrors } from "./support/browser.js";
import { useServerAndBrowser } from "./support/fixtures.js";
import { SignInPage, ChatsPage } from "./support/pages.js";

// A persistent profile: Chromium refuses installability checks in incognito contexts.
const fixture = useServerAndBrowser({ launch: launchPersistent });

test("Chromium reports no installability errors", async () => {
  const page = await fixture.browser.newPage();
  await page.goto(fixture.server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await fixture.browser.newCDPSession(page);
  let errors = [];
  // The check needs the worker to control the page; give it a few tries.
  for (let attempt = 0; attempt < 10; attempt++) {
    ({ installabilityErrors: errors } = await cdp.send("Page.getInstallabilityErrors"));
    if (errors.length === 0) break;
    await page.waitForTimeout(500);
  }
  assert.deepEqual(errors, []);
  const manifest = await (await page.request.get(`${fixture.server.url}/manifest.webmanifest`)).json();
  assert.equal(manifest.display, "standalone");
  assert.ok(manifest.icons.some((icon) => icon.sizes === "512x512"));
  await page.close();
});

test("the page runs under a strict CSP with no violations", async () => {
  const page = await fixture.browser.newPage();
  const errors = watchErrors(page);
  const response = await page.goto(`${fixture.server.url}/sign-in`);
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(response.headers()["cache-control"], "no-cache");
  const signIn = new SignInPage(page, fixture.server.url);
  await signIn.signIn("wangwu");
  await new ChatsPage(page, fixture.server.url).waitForList();
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/.test(e)), []);
  await page.close();
});

test("the service worker precaches the hashed shell and every chunk, and never caches the API", async () => {
  const page = await fixture.browser.newPage();
  await page.goto(fixture.server.url);
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
  assert.ok(cached.urls.some((u) => /^\/pkg\/weft\.[A-Za-z0-9_-]{22}\.wasm$/.test(u)), JSON.stringify(cached.urls));
  // Every screen's chunk too, so screens never opened online still open offline.
  for (const chunk of ["split_admin", "split_approvals", "split_directory", "split_search"]) {
    assert.ok(cached.urls.some((u) => u.startsWith(`/pkg/${chunk}.`)), `${chunk} in ${JSON.stringify(cached.urls)}`);
  }
  assert.ok(!cached.urls.some((u) => u.endsWith(".br") || u.endsWith(".gz")), "compressed copies are not separate files");
  assert.ok(cached.urls.includes("/index.html"));
  assert.ok(!cached.urls.some((u) => u.startsWith("/api/")));
  await page.close();
});

test("a new build takes over and the app offers to reload into it", async () => {
  const page = await fixture.browser.newPage();
  await page.goto(fixture.server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // Start signed out whatever earlier tests in this profile did.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByLabel("Username").waitFor();

  // Deploy a "new build": same files, a service worker with another version.
  const dist = mkdtempSync(join(tmpdir(), "weft-dist-"));
  cpSync(process.env.WEFT_DIST ?? "dist", dist, { recursive: true });
  const worker = readFileSync(join(dist, "sw.js"), "utf8").replace(/WEFT_VERSION = "[0-9a-f]+"/, 'WEFT_VERSION = "0000000000000000"');
  writeFileSync(join(dist, "sw.js"), worker);
  const port = new URL(fixture.server.url).port;
  await fixture.server.stop();
  fixture.server = await startServer({ dataDir: fixture.server.dataDir, port, dist });

  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  await page.getByRole("status").filter({ hasText: "A new version of Weft is ready." }).waitFor({ timeout: 15_000 });
  await page.getByRole("button", { name: "Reload" }).click();
  await page.getByLabel("Username").waitFor();
  const cacheNames = await page.evaluate(() => caches.keys());
  assert.deepEqual(cacheNames, ["weft-shell-0000000000000000"], "the old shell cache is gone");
  await page.close();
  rmSync(dist, { recursive: true, force: true });
});
