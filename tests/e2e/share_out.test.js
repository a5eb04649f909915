// "Share…" on a message (issue #14, external sharing): the server is asked first and records the
// share; with the network cut nothing is shared and the member reads why; an administrator who
// turns sharing off on the Policies page takes the action away from the open app at once. Chromium on Linux has no share
// sheet (`navigator.share`), so the page gets a stand-in that records what it was handed — the
// one part of this path that cannot run here for real.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser } from "./support/fixtures.js";
import { call } from "./support/api.js";
import { signInAs, adminToken, eventually } from "./support/sessions.js";

const fixture = useServerAndBrowser();
const LUNCH = "中午吃什么？What's for lunch?";

/** A share sheet that keeps what it is handed in `window.shared`. */
function standInShareSheet(page) {
  return page.addInitScript(() => {
    window.shared = [];
    navigator.share = async (data) => {
      window.shared.push({ text: data.text ?? null, title: data.title ?? null, files: (data.files ?? []).map((f) => f.name) });
    };
    navigator.canShare = () => true;
  });
}

async function sharesOnRecord(token) {
  const { status, body } = await call(fixture.server.url, token, "GET", "/admin/audit?action=shared_to_another_app");
  assert.equal(status, 200);
  return body.entries;
}

test("at 360×640: Share… hands a message to another app once the server has recorded it; offline it says why; turned off, it is gone", async () => {
  const admin = await adminToken(fixture.server.url);
  const li = await signInAs(fixture, "lisi", { contextOptions: { viewport: { width: 360, height: 640 } }, beforeOpen: standInShareSheet });
  await li.chats.open("午饭搭子 Lunch crew");
  const message = li.chats.timeline().locator(".message", { hasText: LUNCH });
  await message.waitFor();
  await message.getByRole("button", { name: "Share…" }).click();
  await eventually(async () => (await li.page.evaluate(() => window.shared.length)) === 1, 10_000, "the share sheet opened");
  assert.deepEqual(await li.page.evaluate(() => window.shared[0]), { text: LUNCH, title: null, files: [] });
  const recorded = await sharesOnRecord(admin);
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0].actor, "lisi");

  // With the network cut the server cannot record it, so nothing is shared.
  await li.context.setOffline(true);
  await li.page.getByRole("status").filter({ hasText: "You are offline" }).waitFor();
  await message.getByRole("button", { name: "Share…" }).click();
  await message.getByRole("alert").getByText("Sharing to other apps needs a connection: every share is recorded.").waitFor();
  assert.equal(await li.page.evaluate(() => window.shared.length), 1, "nothing more handed on");
  await li.context.setOffline(false);

  // The administrator turns sharing off on the Policies page.
  const desk = await signInAs(fixture, "admin", { contextOptions: { viewport: { width: 1280, height: 800 } } });
  await desk.page.goto(`${fixture.server.url}/admin/policies`);
  const sharing = desk.page.getByRole("checkbox", { name: "Members may share messages to other apps" });
  assert.ok(await sharing.isChecked(), "on by default");
  await sharing.uncheck();
  await desk.page.getByRole("button", { name: "Save policies" }).click();
  await desk.page.getByRole("status").getByText("Saved. The policies apply now.").waitFor();
  await desk.context.close();

  // The open app hears of it at once: Share… goes without a reload; reopened, none either.
  await message.getByRole("button", { name: "Share…" }).waitFor({ state: "detached", timeout: 15_000 });
  await li.page.goto(`${fixture.server.url}/`);
  await li.chats.waitForList();
  await li.chats.open("午饭搭子 Lunch crew");
  await li.chats.timeline().getByText(LUNCH).waitFor();
  await li.chats.timeline().getByRole("button", { name: "Reply" }).first().waitFor();
  assert.equal(await li.chats.timeline().getByRole("button", { name: "Share…" }).count(), 0);
  assert.equal((await sharesOnRecord(admin)).length, 1, "only the one share is on the record");
  assert.equal(await li.page.evaluate(() => window.shared.length), 0, "the reloaded page handed on nothing");

  const policies = (await call(fixture.server.url, admin, "GET", "/admin/policies")).body;
  assert.equal((await call(fixture.server.url, admin, "PUT", "/admin/policies", { ...policies, external_sharing: true })).status, 200);
  await li.context.close();
});
