// Compliance archives (issue #14) as an auditor uses them: 黄丽 finds 研发部's group, exports
// today's messages, and a script recomputes every hash in the manifest; the export is in the
// audit log; members read that work communications may be archived.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { useServerAndBrowser } from "./support/fixtures.js";
import { signInAs } from "./support/sessions.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();
const VERIFY = fileURLToPath(new URL("./support/verify_archive.py", import.meta.url));

/** The browser's local date as a date input's value. */
function today(page) {
  return page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  });
}

test("an auditor exports one conversation for today and the manifest verifies", async () => {
  const url = fixture.server.url;
  // Something said today in 研发部 Engineering.
  const { token } = await login(url, "zhangsan");
  const chats = await call(url, token, "GET", "/conversations");
  const engineering = chats.body.find((c) => c.title === "研发部 Engineering");
  const text = `今晚 8 点发布 v${Date.now()}`;
  assert.equal((await call(url, token, "POST", `/conversations/${engineering.id}/messages`, { client_id: crypto.randomUUID(), text })).status, 201);

  const { context, page } = await signInAs(fixture, "huangli", { contextOptions: { viewport: { width: 1280, height: 800 } } });
  await page.getByRole("link", { name: "Admin", exact: true }).first().click();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Compliance archive" }).click();
  await page.getByRole("heading", { level: 2, name: "Compliance archive" }).waitFor();

  // Nothing chosen: said next to the button, nothing downloaded.
  await page.getByRole("button", { name: "Export archive" }).click();
  await page.getByRole("alert").filter({ hasText: "Choose at least one member or conversation." }).waitFor();

  await page.getByLabel("Find conversations (name or member)").fill("研发部");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.getByRole("checkbox", { name: "研发部 Engineering" }).check();
  await page.getByLabel("From", { exact: true }).fill(await today(page));
  await page.getByLabel("To", { exact: true }).fill(await today(page));
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export archive" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^weft-archive-\d+\.tar$/);
  const saved = join(mkdtempSync(join(tmpdir(), "weft-archive-")), download.suggestedFilename());
  await download.saveAs(saved);
  await page.getByRole("status").filter({ hasText: "The archive was downloaded" }).waitFor();

  // Anyone can check it: every listed entry is there with the hash the manifest says.
  const checked = spawnSync("python3", [VERIFY, saved], { encoding: "utf-8" });
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  const summary = JSON.parse(checked.stdout);
  assert.equal(summary.verified, true);
  assert.equal(summary.conversations, 1);
  assert.equal(summary.created_by, "huangli");
  assert.ok(summary.messages.includes(text), JSON.stringify(summary.messages));

  // With the network cut the page says an export needs the server, and offers none.
  await context.setOffline(true);
  await page.getByRole("status").filter({ hasText: "Exporting an archive needs a connection." }).waitFor();
  assert.ok(await page.getByRole("button", { name: "Export archive" }).isDisabled());
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await page.getByRole("status").filter({ hasText: "Exporting an archive needs a connection." }).waitFor({ state: "detached", timeout: 15_000 });
  assert.ok(await page.getByRole("button", { name: "Export archive" }).isEnabled());

  // The export is on the record.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
  await page.getByRole("table", { name: "Audit log" }).getByRole("cell", { name: "Compliance archive exported" }).first().waitFor();
  await context.close();

  // An administrator alone cannot export one.
  const admin = (await login(url, "admin")).token;
  const refused = await call(url, admin, "POST", "/admin/archives", { conversation_ids: [engineering.id], since: 0, until: Date.now() });
  assert.equal(refused.status, 403);
});

test("a member reads on the Me page that work communications may be archived", async () => {
  const { context, page } = await signInAs(fixture, "zhangsan", { contextOptions: { viewport: { width: 390, height: 844 } } });
  await page.goto(`${fixture.server.url}/me`);
  const notice = page.getByRole("region", { name: "Work communications" });
  await notice.getByText("work communications may be archived", { exact: false }).waitFor();
  await context.close();
});
