// Helpers for managed sessions: signing in with a device mode, what a browser holds of a person
// (IndexedDB, Cache Storage, storage keys), and the administrator's view of sessions.
import { login, call } from "./api.js";
import { DEMO_PASSWORD } from "./server.js";
import { watchErrors } from "./browser.js";
import { ChatsPage } from "./pages.js";

/** Opens the sign-in page in a new context and signs in, choosing the device mode by its label. */
export async function signInAs(fixture, username, { mode = "My device", contextOptions = {}, beforeOpen } = {}) {
  const context = await fixture.browser.newContext({ locale: "en-US", ...contextOptions });
  const page = await context.newPage();
  const errors = watchErrors(page);
  if (beforeOpen) await beforeOpen(page);
  await page.goto(`${fixture.server.url}/sign-in`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  if (mode) await page.getByRole("radio", { name: mode }).check();
  await page.getByRole("button", { name: "Sign in" }).click();
  const chats = new ChatsPage(page, fixture.server.url);
  await chats.waitForList();
  return { context, page, chats, errors };
}

/** What the page's browser holds: database names, Cache Storage names, the app's storage keys. */
export async function browserHoldings(page) {
  return page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
    local: Object.keys(localStorage).filter((k) => k.startsWith("weft.")),
    session: Object.keys(sessionStorage).filter((k) => k.startsWith("weft.")),
  }));
}

/** Waits until the browser holds no device database of the app. */
export async function waitForNoDatabases(page) {
  await page.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name.startsWith("weft-")));
}

/** An administrator's token. */
export async function adminToken(url) {
  return (await login(url, "admin")).token;
}

/** A member's id from the admin directory. */
export async function memberId(url, token, userid) {
  const { body } = await call(url, token, "GET", "/directory");
  const member = body.members.find((m) => m.userid === userid);
  if (!member) throw new Error(`no member ${userid}`);
  return member.id;
}

/** The member's sessions as the administrator sees them (ended ones included). */
export async function adminSessions(url, token, member) {
  const { status, body } = await call(url, token, "GET", `/admin/sessions?member=${member}&ended=true`);
  if (status !== 200) throw new Error(`GET /admin/sessions: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** Polls `check` (async, truthy when done) every 100 ms for up to `timeout` ms. */
export async function eventually(check, timeout = 10_000, what = "condition") {
  const until = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every key and value of every IndexedDB database of the page's origin, as text. */
export function rawIndexedDb(page) {
  return page.evaluate(async () => {
    const show = (value) =>
      JSON.stringify(value, (_, v) =>
        v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? `bytes:${new TextDecoder().decode(v)}` : v instanceof Blob ? `blob:${v.size}` : v,
      );
    const lines = [];
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of db.objectStoreNames) {
        const [keys, values] = await new Promise((resolve, reject) => {
          const tx = db.transaction(store, "readonly");
          const keys = tx.objectStore(store).getAllKeys();
          const values = tx.objectStore(store).getAll();
          tx.oncomplete = () => resolve([keys.result, values.result]);
          tx.onerror = () => reject(tx.error);
        });
        keys.forEach((key, n) => lines.push(`${name}/${store} ${show(key)} ${show(values[n])}`));
      }
      db.close();
    }
    return lines.join("\n");
  });
}
