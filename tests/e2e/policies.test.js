// The console's Policies page (issue #14) as an administrator uses it, and its effect on members
// at once: a bad value is refused beside its field, a save applies with no restart (a member
// can no longer make a group larger than the new limit, nor send a file type not allowed), and
// the change is in the audit log. The offline-copy rule keeps chats off a member's device (and
// off it with the network cut), and the audit log's retention is refused beside its field when
// too short.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { call } from "./support/api.js";
import { signInAs, adminToken, eventually, memberId, rawIndexedDb } from "./support/sessions.js";

const fixture = useServerAndBrowser();

test("an administrator tightens the policies and a member meets them at once", async () => {
  const { context, page } = await signInAs(fixture, "admin", { contextOptions: { viewport: { width: 1280, height: 800 } } });
  await page.getByRole("link", { name: "Admin", exact: true }).first().click();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Policies", exact: true }).click();
  await page.getByRole("heading", { level: 2, name: "Policies" }).waitFor();
  const group = page.getByLabel("Largest group (people, 2–2000)");
  const types = page.getByLabel("Allowed file types");
  assert.equal(await page.getByLabel("Recall window (minutes)").inputValue(), "1440");
  assert.equal(await group.inputValue(), "500");
  assert.equal(await page.getByLabel("Largest file (KB, 1–10240)").inputValue(), "10240");
  assert.equal(await types.inputValue(), "");
  const save = page.getByRole("button", { name: "Save policies" });

  // Bad values are said beside their fields, and nothing is saved.
  await group.fill("很多 many");
  await save.click();
  await page.locator("#policy-group-error").getByText("Enter a whole number.").waitFor();
  assert.equal(await group.getAttribute("aria-invalid"), "true");
  await group.fill("1");
  await save.click();
  await page.locator("#policy-group-error").getByText("between 2 and 2000").waitFor();
  await types.fill("pdf, ../exe");
  await group.fill("3");
  await save.click();
  await page.locator("#policy-types-error").getByText("is not a file name extension", { exact: false }).waitFor();

  await types.fill("PDF，png .docx");
  await save.click();
  await page.getByRole("status").getByText("Saved. The policies apply now.").waitFor();
  assert.equal(await types.inputValue(), "docx, pdf, png", "the server's tidied list");

  // A member meets them at once: no group of four, no .exe file.
  const member = await signedIn(fixture, "wangwu");
  await member.page.getByRole("link", { name: "New chat" }).click();
  for (const [search, name] of [["guo", /郭军/], ["ma qiang", /马强/], ["zhang", /张三/]]) {
    await member.page.getByLabel("Find people").fill(search);
    await member.page.getByRole("checkbox", { name }).check();
  }
  await member.page.getByLabel("Group name").fill("四人组 Four");
  await member.page.getByRole("button", { name: "Start chat" }).click();
  await member.page.getByText("A group has at most 3 members.").waitFor();
  await member.page.goto(`${fixture.server.url}/`);
  await member.chats.open("研发部 Engineering");
  await member.page.getByLabel("Attach a file").setInputFiles({ name: "setup.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ") });
  await member.chats.timeline().getByText("allowed in this workspace; allowed: docx, pdf, png", { exact: false }).waitFor({ timeout: 15_000 });
  await member.context.close();

  // The change is on the record.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
  await page.getByRole("table", { name: "Audit log" }).getByRole("cell", { name: "Workspace policies changed" }).first().waitFor();
  await context.close();
});

test("at 360×640: offline copies on no device: an open app deletes what it kept at once, and keeps nothing online or with the network cut", async () => {
  // A member's open app keeps the chat on the device, as every device may by default.
  const li = await signInAs(fixture, "lisi", { contextOptions: { viewport: { width: 360, height: 640 } } });
  await li.chats.open("午饭搭子 Lunch crew");
  await li.chats.timeline().getByText("中午吃什么？What's for lunch?").waitFor();
  const lunch = new URL(li.page.url()).pathname.split("/")[2];
  await eventually(async () => (await rawIndexedDb(li.page)).includes(`"${lunch}:`), 10_000, "the chat's rows on the device");

  const admin = await signInAs(fixture, "admin", { contextOptions: { viewport: { width: 1280, height: 800 } } });
  await admin.page.goto(`${fixture.server.url}/admin/policies`);
  await admin.page.getByRole("heading", { level: 2, name: "Policies" }).waitFor();
  const offline = admin.page.getByRole("group", { name: "Offline copies of chats" });
  assert.ok(await offline.getByRole("radio", { name: "Every device" }).isChecked(), "the default");
  const retention = admin.page.getByLabel("Keep audit entries for (days)");
  assert.equal(await retention.inputValue(), "0");
  await retention.fill("90");
  await offline.getByRole("radio", { name: "No device (chats load from the server)" }).check();
  await admin.page.getByRole("button", { name: "Save policies" }).click();
  await admin.page.locator("#policy-retention-error").getByText("between 180 and 3650").waitFor();
  await retention.fill("365");
  await admin.page.getByRole("button", { name: "Save policies" }).click();
  await admin.page.getByRole("status").getByText("Saved. The policies apply now.").waitFor();
  await admin.page.reload();
  await admin.page.getByRole("heading", { level: 2, name: "Policies" }).waitFor();
  assert.ok(await offline.getByRole("radio", { name: "No device (chats load from the server)" }).isChecked(), "saved");
  assert.equal(await retention.inputValue(), "365");

  // The open app hears of it and deletes the chat from the device; the directory stays, and the
  // chat on screen still reads from the server.
  await eventually(async () => !(await rawIndexedDb(li.page)).includes(`"${lunch}:`), 15_000, "the chat's rows deleted");
  const zhangsan = await memberId(fixture.server.url, await adminToken(fixture.server.url), "zhangsan");
  assert.ok((await rawIndexedDb(li.page)).includes(zhangsan), "the directory is kept");
  await li.chats.timeline().getByText("中午吃什么？What's for lunch?").waitFor();

  // With the network cut and the app reopened, the list is there without its preview, and the
  // chat's words are not there at all.
  await li.context.setOffline(true);
  await li.page.goto(`${fixture.server.url}/`);
  await li.chats.waitForList();
  const row = li.chats.conversation("午饭搭子 Lunch crew");
  await row.waitFor();
  assert.ok(!(await row.innerText()).includes("中午吃什么"), "no preview kept");
  await li.chats.open("午饭搭子 Lunch crew");
  await li.page.getByRole("status").filter({ hasText: "You are offline" }).waitFor();
  assert.equal(await li.chats.timeline().getByText("中午吃什么？What's for lunch?").count(), 0, "nothing kept to show");
  await li.context.close();

  const token = await adminToken(fixture.server.url);
  const policies = (await call(fixture.server.url, token, "GET", "/admin/policies")).body;
  const restored = { ...policies, offline_copies: "all_devices", audit_retention_days: 0 };
  assert.equal((await call(fixture.server.url, token, "PUT", "/admin/policies", restored)).status, 200);
  await admin.context.close();
});
