// The audit log console page (/admin/audit): an administrator opens it by its label, pages
// through the log with Load more, filters a wrong-password sign-in by action, actor and date,
// exports the filtered CSV, and is told offline that the log needs a connection; a member has no
// way in. The administrator's run is repeated on a phone-sized and a desktop-sized screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser } from "./support/fixtures.js";
import { login, call } from "./support/api.js";
import { signInAs } from "./support/sessions.js";

const fixture = useServerAndBrowser();

async function readStream(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** A sign-in with a wrong password for `username`, through the API. */
async function wrongPassword(username) {
  const reply = await fetch(`${fixture.server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: "not-the-password", device: "e2e" }),
  });
  assert.ok(!reply.ok, `the wrong password for ${username} is refused`);
}

/** The browser's local date, `days` from today, as a date input's value. */
function localDate(page, days = 0) {
  return page.evaluate((days) => {
    const d = new Date();
    d.setDate(d.getDate() + days);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }, days);
}

for (const [viewport, tried] of [
  [{ width: 360, height: 640 }, "lisi"],
  [{ width: 1280, height: 800 }, "liuyang"],
]) {
  test(`at ${viewport.width}×${viewport.height}: an administrator pages, filters and exports the audit log`, async () => {
    // More entries than one page: 55 member exports, each recorded.
    const { token } = await login(fixture.server.url, "admin");
    for (let i = 0; i < 55; i += 1) {
      assert.equal((await call(fixture.server.url, token, "GET", "/admin/members.csv")).status, 200);
    }
    await wrongPassword(tried);

    const { context, page, errors } = await signInAs(fixture, "admin", { contextOptions: { viewport } });
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { level: 2, name: "Audit log" }).waitFor();
    const table = page.getByRole("table", { name: "Audit log" });
    const rows = table.locator("tbody tr");
    await page.getByText("Entries shown: 50").waitFor();
    assert.equal(await rows.count(), 50);
    assert.equal(await rows.first().getByRole("cell").nth(1).innerText(), "admin");

    await page.getByRole("button", { name: "Load more" }).click();
    await page.waitForFunction(() => document.querySelectorAll("table tbody tr").length > 50);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.audit)));
    assert.equal(new Set(ids).size, ids.length, "no entry twice");
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), "newest first");

    // The wrong password, by action, actor and today's date.
    await page.getByLabel("Action", { exact: true }).selectOption({ label: "Sign-in failed" });
    await page.getByLabel("Actor (userid)", { exact: true }).fill(tried);
    await page.getByLabel("From", { exact: true }).fill(await localDate(page));
    await page.getByLabel("To", { exact: true }).fill(await localDate(page));
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByText("Entries shown: 1").waitFor();
    const row = rows.first();
    assert.equal(await row.getByRole("cell").nth(1).innerText(), tried);
    assert.equal(await row.getByRole("cell").nth(2).innerText(), "Sign-in failed");
    assert.match(await row.getByRole("cell").nth(0).innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(await page.getByRole("button", { name: "Load more" }).count(), 0);

    // The CSV carries the same filters.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "weft-audit.csv");
    const csv = (await readStream(await download.createReadStream())).replace(/^\uFEFF/, "");
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines[0], "id,at,actor,action,target,detail,address");
    assert.equal(lines.length, 2, csv);
    assert.match(lines[1], new RegExp(`^\\d+,\\d+,${tried},sign_in_failed,`));
    await page.getByRole("status").filter({ hasText: "The CSV was downloaded." }).waitFor();

    // Tomorrow holds nothing yet.
    await page.getByLabel("From", { exact: true }).fill(await localDate(page, 1));
    await page.getByLabel("To", { exact: true }).fill("");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByText("No entries match these filters.").waitFor();

    // The log is not on the device.
    await context.setOffline(true);
    await page.getByText("The audit log needs a connection: it is not stored on this device.").waitFor();
    assert.ok(await page.getByRole("button", { name: "Export CSV" }).isDisabled());
    await context.setOffline(false);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|WebSocket/.test(e)), []);
    await context.close();
  });
}

test("a member has no way to the audit log: no link, a refusal at its address, 403 from the API", async () => {
  const { context, page } = await signInAs(fixture, "zhangsan", { contextOptions: { viewport: { width: 360, height: 640 } } });
  assert.equal(await page.getByRole("link", { name: "Admin" }).count(), 0);
  assert.equal(await page.getByRole("link", { name: "Audit log" }).count(), 0);
  await page.goto(`${fixture.server.url}/admin/audit`);
  await page.getByRole("alert").filter({ hasText: "This page is for administrators." }).waitFor();
  assert.equal(await page.getByRole("table").count(), 0);
  const { token } = await login(fixture.server.url, "zhangsan");
  assert.equal((await call(fixture.server.url, token, "GET", "/admin/audit")).status, 403);
  await context.close();
});
