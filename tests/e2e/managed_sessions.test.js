// Managed sessions as a person meets them (issue #12): a shared device keeps nothing after
// sign-out, an offline sign-out wipes at once and reaches the server later, the idle lock
// (surviving a reload), an administrator's remote wipe and disabling a member, unsent messages
// shown before a sign-out, Settings → Devices and the password, and kiosk enrolment.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call } from "./support/api.js";
import { useServerAndBrowser } from "./support/fixtures.js";
import { DEMO_PASSWORD } from "./support/server.js";
import { login } from "./support/api.js";
import {
  signInAs,
  browserHoldings,
  waitForNoDatabases,
  adminToken,
  memberId,
  adminSessions,
  eventually,
} from "./support/sessions.js";

const fixture = useServerAndBrowser();

test("a shared device keeps the session in memory and nothing of the person after sign-out", async () => {
  const { context, page, chats } = await signInAs(fixture, "hulin", { mode: "Shared device" });
  await chats.open("全员群 All hands");
  await chats.timeline().getByText("Welcome to Weft").first().waitFor();
  const during = await browserHoldings(page);
  assert.ok(during.databases.some((n) => n.startsWith("weft-shared-")), `a shared database: ${during.databases}`);
  assert.equal(await page.evaluate(() => localStorage.getItem("weft.session")), null, "no token on disk");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Username").waitFor();
  await waitForNoDatabases(page);
  // The server heard the sign-out (nothing left to tell it).
  await page.waitForFunction(() => localStorage.getItem("weft.pending-session-calls") === null);
  const after = await browserHoldings(page);
  assert.deepEqual(after.databases.filter((n) => n.startsWith("weft")), []);
  assert.deepEqual(after.caches.filter((n) => !n.startsWith("weft-shell-")), [], "only the app's shell is cached");
  assert.deepEqual(after.local.filter((k) => k !== "weft.lang"), []);
  assert.deepEqual(after.session, []);
  await context.close();
});

test("a reload of a shared device asks for the password again and leaves no readable copy", async () => {
  const { context, page } = await signInAs(fixture, "maqiang", { mode: "Shared device" });
  await page.reload();
  await page.getByLabel("Username").waitFor();
  // The database of the session whose key died with the page is deleted at the next start.
  await waitForNoDatabases(page);
  await context.close();
});

test("signing out offline wipes at once and ends the session when the network returns", async () => {
  const admin = await adminToken(fixture.server.url);
  const member = await memberId(fixture.server.url, admin, "guojun");
  const { context, page } = await signInAs(fixture, "guojun");
  const sessionId = await page.evaluate(() => JSON.parse(localStorage.getItem("weft.session")).session_id);
  await context.setOffline(true);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Username").waitFor();
  await waitForNoDatabases(page);
  assert.equal(await page.evaluate(() => localStorage.getItem("weft.session")), null);
  const live = (await adminSessions(fixture.server.url, admin, member)).find((s) => s.id === sessionId);
  assert.equal(live.ended, null, "the server has not heard yet");

  await context.setOffline(false);
  const ended = await eventually(
    async () => (await adminSessions(fixture.server.url, admin, member)).find((s) => s.id === sessionId && s.ended),
    10_000,
    "the session to end on the server",
  );
  assert.equal(ended.ended, "signed_out");
  await page.waitForFunction(() => localStorage.getItem("weft.pending-session-calls") === null);
  await context.close();
});

test("idle past the policy locks the screen, the lock survives a reload, the password unlocks", async () => {
  const admin = await adminToken(fixture.server.url);
  const policy = {
    force_shared: false,
    shared: { lock_after_minutes: 5, idle_minutes: 30, lifetime_hours: 12 },
    personal: { lock_after_minutes: 2, idle_minutes: 600, lifetime_hours: 24 },
  };
  const saved = await call(fixture.server.url, admin, "PUT", "/admin/session-policies/hr", policy);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const { context, page, chats } = await signInAs(fixture, "sunli", {
    beforeOpen: (p) => p.clock.install(),
  });
  await page.clock.fastForward("01:00");
  assert.ok(await chats.list().isVisible(), "not locked after one minute");
  await page.clock.fastForward("01:30");
  await page.getByRole("heading", { name: "Locked" }).waitFor();
  assert.equal(await chats.list().isVisible(), false, "the app is blanked behind the lock");
  assert.equal(await page.locator(".app-root").getAttribute("inert"), "", "and inert");

  await page.reload();
  await page.getByRole("heading", { name: "Locked" }).waitFor();
  assert.equal(await chats.list().isVisible(), false, "still locked after a reload");

  await page.getByLabel("Password").fill("not her password");
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.locator("#unlock-password-error").getByText("That password is not right.").waitFor();
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Unlock" }).click();
  await chats.list().waitFor();
  assert.equal(await page.getByRole("heading", { name: "Locked" }).count(), 0);
  await call(fixture.server.url, admin, "DELETE", "/admin/session-policies/hr");
  await context.close();
});

test("an administrator's remote wipe is carried out at the device's next contact", async () => {
  const admin = await adminToken(fixture.server.url);
  const member = await memberId(fixture.server.url, admin, "zhoujie");
  const { context, page } = await signInAs(fixture, "zhoujie");
  const sessionId = await page.evaluate(() => JSON.parse(localStorage.getItem("weft.session")).session_id);
  await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name.startsWith("weft-")));
  const asked = await call(fixture.server.url, admin, "POST", `/admin/sessions/${sessionId}/wipe`);
  assert.equal(asked.status, 204);
  // The next contact: the live socket, or else the next call (a reload makes one for certain).
  const signedOut = await page.getByLabel("Username").waitFor({ timeout: 3_000 }).then(() => true, () => false);
  if (!signedOut) {
    await page.reload();
    await page.getByLabel("Username").waitFor();
  }
  await waitForNoDatabases(page);
  const wiped = await eventually(
    async () => (await adminSessions(fixture.server.url, admin, member)).find((s) => s.id === sessionId && s.wiped_at),
    10_000,
    "the wipe to be reported",
  );
  assert.ok(wiped.wipe_requested_at <= wiped.wiped_at);

  // The administrator sees it in the console.
  const console = await signInAs(fixture, "admin");
  await console.page.getByRole("link", { name: "Admin" }).click();
  await console.page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Sessions" }).click();
  await console.page.getByLabel("Show sessions of").selectOption({ label: "周杰 (zhoujie)" });
  await console.page.getByLabel("Include ended sessions").check();
  await console.page.locator(`tr[data-session="${sessionId}"]`).getByText(/Wiped at \d{4}-/).waitFor();
  await console.context.close();
  await context.close();
});

test("disabling a member signs their open app out within a second", async () => {
  const admin = await adminToken(fixture.server.url);
  const member = await memberId(fixture.server.url, admin, "zhuhong");
  const { context, page } = await signInAs(fixture, "zhuhong");
  await page.getByTestId("connection").getByText("Online").waitFor();
  const disabled = await call(fixture.server.url, admin, "POST", `/admin/members/${member}/disable`);
  assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
  const start = Date.now();
  await page.getByLabel("Username").waitFor({ timeout: 5_000 });
  const elapsed = Date.now() - start;
  assert.ok(elapsed < 1_000, `signed out after ${elapsed} ms`);
  await waitForNoDatabases(page);
  await call(fixture.server.url, admin, "POST", `/admin/members/${member}/enable`);
  await context.close();
});

test("unsent messages are shown before a sign-out, and Send now delivers them first", async () => {
  const { context, page, chats } = await signInAs(fixture, "linfeng");
  await chats.open("全员群 All hands");
  await context.setOffline(true);
  const text = `before sign-out ${Date.now()}`;
  await chats.send(text);
  await page.getByRole("button", { name: "Sign out" }).click();
  const dialog = page.getByRole("alertdialog", { name: "1 message not sent" });
  await dialog.waitFor();
  await dialog.getByText(text).waitFor();
  assert.notEqual(await page.evaluate(() => localStorage.getItem("weft.session")), null, "nothing wiped yet");
  await dialog.getByRole("button", { name: "Send now" }).click();
  await dialog.getByText("Offline: they are sent as soon as the network returns.").waitFor();
  await context.setOffline(false);
  await page.getByLabel("Username").waitFor();
  await waitForNoDatabases(page);
  const other = await login(fixture.server.url, "liuyang");
  const list = await call(fixture.server.url, other.token, "GET", "/conversations");
  const allHands = list.body.find((c) => c.title.includes("All hands"));
  const messages = await call(fixture.server.url, other.token, "GET", `/conversations/${allHands.id}/messages?limit=20`);
  assert.ok(messages.body.messages.some((m) => m.text === text), "the message was delivered before the wipe");
  await context.close();
});

test("Settings → Devices lists this session and others, and signs another one out", async () => {
  const phone = await login(fixture.server.url, "xuming");
  const { context, page } = await signInAs(fixture, "xuming", { contextOptions: { viewport: { width: 390, height: 800 } } });
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { level: 2, name: "Settings" }).waitFor();
  const list = page.getByRole("list", { name: "Devices" });
  await list.getByRole("listitem").nth(1).waitFor();
  const mine = list.getByRole("listitem").filter({ hasText: "This device" });
  assert.equal(await mine.count(), 1);
  assert.ok(await mine.getByText("My device").isVisible());
  const other = list.getByRole("listitem").filter({ hasText: "e2e" });
  await other.getByRole("button", { name: "Sign out" }).click();
  await eventually(async () => (await call(fixture.server.url, phone.token, "GET", "/auth/session")).status === 401, 5_000, "the phone's session to end");
  await list.getByRole("listitem").filter({ hasText: "e2e" }).waitFor({ state: "detached" });
  await page.getByText("No other device is signed in.").waitFor();
  await context.close();
});

test("changing the password: errors next to the field, then the new token replaces the old", async () => {
  const other = await login(fixture.server.url, "huangli");
  const { context, page } = await signInAs(fixture, "huangli");
  await page.getByRole("link", { name: "Settings" }).click();
  const oldToken = await page.evaluate(() => JSON.parse(localStorage.getItem("weft.session")).token);
  await page.getByLabel("Current password").fill("wrong password");
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByLabel("Confirm new password").fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.locator("#new-password-error").getByText("At least 8 characters.").waitFor();
  await page.getByLabel("New password", { exact: true }).fill("a-better-secret");
  await page.getByLabel("Confirm new password").fill("a-better-secret");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.locator("#current-password-error").getByText("The current password is not right.").waitFor();
  await page.getByLabel("Current password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByRole("status").getByText("Password changed.").waitFor();
  const newToken = await page.evaluate(() => JSON.parse(localStorage.getItem("weft.session")).token);
  assert.notEqual(newToken, oldToken);
  assert.equal((await call(fixture.server.url, oldToken, "GET", "/auth/session")).status, 401);
  assert.equal((await call(fixture.server.url, newToken, "GET", "/auth/session")).status, 200);
  assert.equal((await call(fixture.server.url, other.token, "GET", "/auth/session")).status, 401, "other sessions end");
  // Still signed in and working with the new token.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("list", { name: "Devices" }).getByText("This device").waitFor();
  await context.close();
});

test("a browser enrolled as a kiosk shows its name, offers no mode, and signs in shared", async () => {
  const admin = await adminToken(fixture.server.url);
  const created = await call(fixture.server.url, admin, "POST", "/admin/kiosk-codes", { label: "Front desk 2" });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const context = await fixture.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(`${fixture.server.url}/sign-in`);
  await page.getByRole("button", { name: "Set up this browser as a kiosk" }).click();
  await page.getByLabel("Enrolment code").fill("not-a-code");
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.locator("#kiosk-code-error").getByText("This code is unknown or was revoked.").waitFor();
  await page.getByLabel("Enrolment code").fill(created.body.code);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByTestId("kiosk-label").getByText("Front desk 2").waitFor();
  assert.equal(await page.getByRole("radio").count(), 0, "no mode to choose");
  await page.getByLabel("Username").fill("heyun");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Chats" }).getByRole("link").first().waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem("weft.session")), null, "shared: nothing on disk");
  const member = await memberId(fixture.server.url, admin, "heyun");
  const sessions = await adminSessions(fixture.server.url, admin, member);
  const kiosk = sessions.find((s) => s.kiosk === "Front desk 2" && !s.ended);
  assert.ok(kiosk, JSON.stringify(sessions));
  assert.equal(kiosk.mode, "shared");
  // Signing out keeps the enrolment (it belongs to the terminal).
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByTestId("kiosk-label").getByText("Front desk 2").waitFor();
  await context.close();
});

test("the admin console creates a kiosk code shown once and flags a bad policy number beside it", async () => {
  const { context, page } = await signInAs(fixture, "admin");
  await page.getByRole("link", { name: "Admin" }).click();
  const nav = page.getByRole("navigation", { name: "Admin" });
  await nav.getByRole("link", { name: "Kiosk codes" }).click();
  await page.getByLabel("Terminal name").fill("Ward 3 station");
  await page.getByRole("button", { name: "Create code" }).click();
  const code = (await page.getByTestId("kiosk-code").textContent()).trim();
  assert.ok(code.length >= 6, `a code is shown: ${code}`);
  await page.getByRole("cell", { name: "Ward 3 station", exact: true }).waitFor();
  const check = await fetch(`${fixture.server.url}/api/v1/auth/kiosk-check`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  assert.equal(check.status, 200);
  await page.getByRole("button", { name: "Revoke Ward 3 station" }).click();
  await page.getByRole("group", { name: /Revoke this code/ }).getByRole("button", { name: "Revoke" }).click();
  await page.getByText(/^Revoked \d{4}-/).waitFor();

  await nav.getByRole("link", { name: "Session policies" }).click();
  await page.getByRole("cell", { name: "Default, for departments without their own" }).waitFor();
  await page.getByLabel("Department").selectOption({ label: "财务部 Finance — Uses the default" });
  await page.getByRole("group", { name: "Shared devices" }).getByLabel("Sign out after idle minutes").fill("half an hour");
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.locator("#policy-shared-idle_minutes-error").getByText("Enter a whole number.").waitFor();
  await page.getByRole("group", { name: "Shared devices" }).getByLabel("Sign out after idle minutes").fill("45");
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.getByRole("status").getByText("Policy saved.").waitFor();
  await page.getByRole("row", { name: /财务部 Finance/ }).getByText("45 min").waitFor();
  await context.close();
});
