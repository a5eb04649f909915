// Screens loaded on first use (lazy_screen.rs): the first visit downloads only what sign-in, the
// chat list and a conversation need; the admin console's code arrives when it is opened (deep
// links too); once the app is installed, the admin console and the approval screens (a request
// form too, from the templates kept at start-up) open for the first time with the network cut, their code served by the service worker; and a screen whose
// code cannot be fetched says so with a Retry that works once the network is back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser } from "./support/fixtures.js";
import { watchErrors } from "./support/browser.js";
import { SignInPage, ChatsPage, openApprovalsPage } from "./support/pages.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();

/** A wasm chunk split off the main module (`split_<group>.<hash>.wasm`, `chunk_<n>.<hash>.wasm`). */
const CHUNK = /\/pkg\/(split_[a-z_]+|chunk_\d+)\.[^/]+\.wasm$/;

/** Signs `username` in on a fresh context; records every request and response the page makes. */
async function signIn(username, { serviceWorkers = "allow" } = {}) {
  const context = await fixture.browser.newContext({ locale: "en-US", serviceWorkers });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const requested = [];
  const responses = [];
  page.on("request", (request) => requested.push(new URL(request.url()).pathname));
  page.on("response", (response) => responses.push(response));
  const signInPage = new SignInPage(page, fixture.server.url);
  await signInPage.open();
  await signInPage.signIn(username);
  await new ChatsPage(page, fixture.server.url).waitForList();
  return { context, page, errors, requested, responses };
}

/** Waits until the service worker is active (its precache complete) and controls the page. */
async function installed(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

async function cutNetwork(context, page) {
  await context.setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
}

async function restoreNetwork(context, page) {
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
}

/** The browser's notes on requests made with the network cut, and wasm_split's report of the failed fetch. */
function unexpected(errors) {
  return errors.filter(
    (error) =>
      !error.startsWith("Failed to load resource") &&
      !error.includes("ERR_INTERNET_DISCONNECTED") &&
      !error.includes("Failed to fetch"),
  );
}

test("the first load fetches no screen chunk; the admin console fetches its own when opened", async () => {
  // No service worker: its install precaches every chunk, which would hide what the page needs.
  const admin = await signIn("admin", { serviceWorkers: "block" });
  const { page, requested } = admin;
  await page.waitForLoadState("networkidle");
  const firstLoad = requested.filter((path) => CHUNK.test(path));
  assert.deepEqual(firstLoad, [], "sign-in and the chat list need no chunk");
  assert.ok(requested.some((path) => /^\/pkg\/weft\.[^/]+\.wasm$/.test(path)), JSON.stringify(requested));

  await page.getByRole("link", { name: "Admin" }).click();
  await page.getByRole("heading", { level: 2, name: "Members" }).waitFor();
  await page.getByText("20 members shown").waitFor();
  const adminChunks = requested.filter((path) => CHUNK.test(path));
  assert.ok(adminChunks.some((path) => path.includes("/split_admin.")), JSON.stringify(adminChunks));
  assert.ok(!adminChunks.some((path) => path.includes("/split_approvals.")), JSON.stringify(adminChunks));

  // Its pages share the chunk: the next one fetches nothing more.
  const before = requested.filter((path) => CHUNK.test(path)).length;
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Templates" }).click();
  await page.getByRole("heading", { level: 2, name: "Templates" }).waitFor();
  assert.equal(requested.filter((path) => CHUNK.test(path)).length, before);

  // A deep link into the console works on a fresh load.
  await page.goto(`${fixture.server.url}/admin/departments`);
  await page.getByRole("heading", { level: 2, name: "Departments" }).waitFor();
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
});

test("installed online, the admin console opens for the first time offline from the service worker", async () => {
  const admin = await signIn("admin");
  const { page, context, responses } = admin;
  await installed(page);
  await cutNetwork(context, page);

  await page.getByRole("link", { name: "Admin" }).click();
  // The console's own code runs: its title, navigation and offline note (its data needs the server).
  await page.getByRole("heading", { level: 1, name: "Admin" }).waitFor();
  await page.getByRole("navigation", { name: "Admin" }).waitFor();
  await page.getByRole("status").filter({ hasText: "The admin console needs the server" }).waitFor();
  const chunk = responses.find((response) => new URL(response.url()).pathname.includes("/split_admin."));
  assert.ok(chunk, "the admin chunk was requested");
  assert.equal(chunk.fromServiceWorker(), true, "served from the service worker's cache");
  assert.equal(chunk.status(), 200);

  // A deep link to another of its pages (the template editor's list) on a fresh load, still offline:
  // the page, the main module and the chunk all come from the service worker.
  const before = responses.length;
  await page.goto(`${fixture.server.url}/admin/templates`);
  await page.getByRole("heading", { level: 1, name: "Admin" }).waitFor();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Templates" }).waitFor();
  const reloaded = responses.slice(before).filter((r) => CHUNK.test(new URL(r.url()).pathname));
  assert.ok(reloaded.length > 0 && reloaded.every((r) => r.fromServiceWorker()), reloaded.map((r) => r.url()).join());
  assert.deepEqual(unexpected(admin.errors), []);
  await admin.context.close();
});

test("installed online, the approvals list and a new request's form open for the first time offline", async () => {
  const { token } = await login(fixture.server.url, "zhangsan");
  const templates = await call(fixture.server.url, token, "GET", "/approvals/templates");
  const expense = templates.body.find((template) => template.name.includes("Expense"));
  assert.ok(expense, JSON.stringify(templates.body).slice(0, 300));

  const member = await signIn("zhangsan");
  const { page, context, responses } = member;
  await installed(page);
  // The app keeps the templates on the device once its live connection is up (the approvals
  // list was never opened on this device).
  const templatesKept = () =>
    responses.some((r) => new URL(r.url()).pathname === "/api/v1/approvals/templates" && r.status() === 200);
  for (let waited = 0; !templatesKept() && waited < 100; waited++) await page.waitForTimeout(100);
  assert.ok(templatesKept(), "the templates were fetched after start-up");
  await cutNetwork(context, page);

  // Workbench, then Approvals: both screens' code comes from the service worker's cache.
  await openApprovalsPage(page);
  await page.getByRole("heading", { level: 2, name: "Approvals" }).waitFor();
  for (const name of ["workbench", "approvals"]) {
    const chunk = responses.find((response) => new URL(response.url()).pathname.includes(`/split_${name}.`));
    assert.ok(chunk, `the ${name} chunk was requested`);
    assert.equal(chunk.fromServiceWorker(), true, `the ${name} chunk was served from the service worker's cache`);
  }

  // The form's screen, reached by its address while offline (the page itself is the cached shell).
  await page.goto(`${fixture.server.url}/approvals/new/${expense.id}`);
  await page.getByRole("heading", { level: 2, name: expense.name }).waitFor();
  // The form is drawn from the template kept on the device: its fields can be filled offline.
  await page.getByLabel(/Amount/).fill("88.00");
  assert.equal(await page.getByLabel(/Amount/).inputValue(), "88.00");
  assert.deepEqual(unexpected(member.errors), []);
  await member.context.close();
});

test("a screen whose code cannot be fetched offers Retry, which works once the network is back", async () => {
  // No service worker, so nothing is cached ahead: the first visit to the Workbench needs the network.
  const member = await signIn("zhangsan", { serviceWorkers: "block" });
  const { page, context } = member;
  await cutNetwork(context, page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Workbench/ }).click();
  const failure = page.getByRole("alert").filter({ hasText: "This screen could not be downloaded." });
  await failure.waitFor();
  // The rest of the app still answers: the chat list is there and a second Retry offline fails cleanly.
  await failure.getByRole("button", { name: "Retry" }).click();
  await failure.waitFor();
  await page.getByRole("navigation", { name: "Chats" }).waitFor();

  await restoreNetwork(context, page);
  await page.getByRole("button", { name: "Retry" }).click();
  await page.getByRole("heading", { level: 2, name: "Workbench" }).waitFor();
  await page.getByRole("list", { name: "Apps" }).getByRole("link", { name: /^Approvals/ }).click();
  await page.getByRole("heading", { level: 2, name: "Approvals" }).waitFor();
  await page.getByRole("link", { name: "报销 Expense" }).waitFor();
  assert.equal(await failure.count(), 0);
  assert.deepEqual(unexpected(member.errors), []);
  await member.context.close();
});
