// Sessions as a person meets them: data survives a server restart, signing out wipes this
// device's copy, and a session ended from elsewhere signs the browser out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer, DEMO_PASSWORD } from "./support/server.js";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";

const fixture = useServerAndBrowser();
const signIn = (username) => signedIn(fixture, username);

test("messages survive a server restart on the same data folder", async () => {
  const { context, chats } = await signIn("zhaoliu");
  await chats.open("研发部 Engineering");
  const text = `restart check ${Date.now()}`;
  await chats.send(text);
  await chats.page.locator("[data-pending=true]").waitFor({ state: "detached" });
  await context.close();

  const port = new URL(fixture.server.url).port;
  await fixture.server.stop();
  fixture.server = await startServer({ dataDir: fixture.server.dataDir, port });
  const again = await signIn("yangfan");
  await again.chats.open("研发部 Engineering");
  await again.chats.timeline().getByText(text).waitFor();
  await again.context.close();
});

test("signing out wipes this device's copy of the chats", async () => {
  const { context, page } = await signIn("chenjing");
  const databases = async () => (await page.evaluate(() => indexedDB.databases())).map((d) => d.name);
  await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name.startsWith("weft-")));
  // An approval draft an earlier version kept in local storage moves into the database at the
  // next start, and goes with the rest.
  const me = await page.evaluate(() => JSON.parse(localStorage.getItem("weft.session")).me.id);
  await page.evaluate(
    (id) => localStorage.setItem(`weft.approval-draft.${id}.${crypto.randomUUID()}`, '{"amount":{"Text":"12000.00"}}'),
    me,
  );
  await page.reload();
  await page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith("weft.approval-draft.")));
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Username").waitFor();
  await page.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name.startsWith("weft-")));
  assert.deepEqual((await databases()).filter((n) => n.startsWith("weft-")), []);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("weft.approval-draft."))), []);
  assert.equal(await page.evaluate(() => localStorage.getItem("weft.session")), null);
  await context.close();
});

test("a session ended from another device signs this browser out", async () => {
  const { context, page } = await signIn("xuming");
  const token = JSON.parse(await page.evaluate(() => localStorage.getItem("weft.session"))).token;
  const other = await fetch(`${fixture.server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "xuming", password: DEMO_PASSWORD, device: "phone" }),
  }).then((r) => r.json());
  const sessions = await fetch(`${fixture.server.url}/api/v1/auth/sessions`, {
    headers: { authorization: `Bearer ${other.token}` },
  }).then((r) => r.json());
  const browserSession = sessions.find((s) => !s.current);
  assert.ok(browserSession, "the browser's session is listed");
  const revoked = await fetch(`${fixture.server.url}/api/v1/auth/sessions/${browserSession.id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${other.token}` },
  });
  assert.equal(revoked.status, 204);
  await page.getByLabel("Username").waitFor({ timeout: 10_000 });
  const me = await fetch(`${fixture.server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 401);
  await context.close();
});
