// The admin console (/admin): members created through the form (errors next to the field, the
// server's duplicates too, offline keeps what was typed), refusal for non-administrators, the CSV
// import's preview before anything is written, departments, and visibility rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";

const fixture = useServerAndBrowser();
const ROOT = "织锦科技 Weft Demo Co.";

/** Signs in as the seeded administrator and opens a page of the console through the Admin link. */
async function openConsole(section = "Members") {
  const admin = await signedIn(fixture, "admin");
  await admin.page.getByRole("link", { name: "Admin" }).click();
  const nav = admin.page.getByRole("navigation", { name: "Admin" });
  await nav.getByRole("link", { name: section }).click();
  await admin.page.getByRole("heading", { level: 2, name: section }).waitFor();
  return admin;
}

/** The number in "N members shown" above the members table. */
async function shownCount(page) {
  const text = await page.getByTestId("members-count").innerText();
  return Number(/^(\d+)/.exec(text)[1]);
}

test("an administrator creates a member: bad fields are flagged next to them, offline keeps the form", async () => {
  const { page, context, errors } = await openConsole();
  await page.getByText("20 members shown").waitFor();
  await page.getByRole("button", { name: "New member" }).click();
  await page.getByLabel("Account (userid)").fill("qianqi");
  await page.getByLabel("Name", { exact: true }).fill("钱七");
  await page.getByLabel("Position").fill("测试工程师 QA Engineer");
  await page.getByLabel("Email", { exact: true }).fill("qianqi@");
  await page.getByRole("group", { name: "Departments" }).getByLabel("前端组 Frontend").check();
  await page.getByRole("button", { name: "Create member" }).click();
  // Checked in the browser with the protocol's rule; the message sits next to the field.
  const email = page.getByLabel("Email", { exact: true });
  assert.equal(await email.getAttribute("aria-invalid"), "true");
  assert.equal(
    await page.locator("#member-email-error").innerText(),
    "Enter an email address such as name@example.com, or leave it empty.",
  );
  assert.equal(await email.getAttribute("aria-describedby"), "member-email-error");

  // An email someone else has: the server's refusal lands next to the same field.
  await email.fill("zhangsan@weft.example");
  await page.getByRole("button", { name: "Create member" }).click();
  await page.locator("#member-email-error", { hasText: "Already used by another member." }).waitFor();

  // Offline, saving says so and keeps everything typed.
  await email.fill("qianqi@weft.example");
  await context.setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
  await page.getByRole("button", { name: "Create member" }).click();
  await page.getByText("Cannot reach the server, so nothing was saved.", { exact: false }).waitFor();
  assert.equal(await page.getByLabel("Account (userid)").inputValue(), "qianqi");
  assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "钱七");
  assert.equal(await email.inputValue(), "qianqi@weft.example");
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));

  await page.getByRole("button", { name: "Create member" }).click();
  await page.getByText("Member created.").waitFor();
  await page.getByText("21 members shown").waitFor();
  const table = page.getByRole("table", { name: "Members" });
  await table.getByRole("row", { name: /钱七/ }).waitFor();
  assert.equal(await page.getByLabel("Email", { exact: true }).count(), 0, "the form closed");

  // The filter matches pinyin initials through the protocol's search keys.
  await page.getByLabel("Filter by name, pinyin or account").fill("qq");
  await page.getByText("1 members shown").waitFor();
  assert.match(await table.locator("tbody").innerText(), /钱七[\s\S]*qianqi/);
  // Created without a password, they are the only invited member.
  await page.getByLabel("Filter by name, pinyin or account").fill("");
  await page.getByLabel("Status").selectOption("invited");
  await page.getByText("1 members shown").waitFor();
  await table.getByRole("row", { name: /钱七/ }).waitFor();
  // Refusals and the offline attempt are logged by the browser as failed loads; nothing else
  // (no panic, no CSP violation) may appear.
  assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await context.close();
});

test("a member sees no Admin link, and /admin refuses them with a message", async () => {
  const { page, context } = await signedIn(fixture, "zhangsan");
  assert.equal(await page.getByRole("link", { name: "Admin" }).count(), 0);
  await page.goto(`${fixture.server.url}/admin`);
  await page.getByRole("alert").filter({ hasText: "This page is for administrators." }).waitFor();
  await page.getByRole("link", { name: "Back to chats" }).click();
  await page.getByRole("navigation", { name: "Chats" }).waitFor();
  await context.close();
});

test("a CSV with bad rows is previewed with every problem and imports nothing; the fixed file imports", async () => {
  const { page, context } = await openConsole("Members");
  const before = await shownCount(page);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Import" }).click();
  const bad = [
    "userid,name,mobile,email,departments",
    `wuba,吴八,,wuba@weft.example,${ROOT}/研发部 Engineering`,
    `bad id,坏人,,,${ROOT}/研发部 Engineering`,
    `zhengjiu,郑九,,not-mail,${ROOT}/产品部 Product`,
  ].join("\n");
  await page.getByLabel("CSV file").setInputFiles({ name: "members.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  const problems = page.getByRole("table", { name: "Problems in the file" });
  await problems.waitFor();
  const rows = await problems.locator("tbody tr").allInnerTexts();
  assert.equal(rows.length, 2, rows.join("\n"));
  assert.match(rows[0], /^3\s+userid\s+userid:/);
  assert.match(rows[1], /^4\s+email\s+email:/);
  await page.getByText("Nothing was imported.", { exact: false }).waitFor();
  assert.equal(await page.getByRole("button", { name: /^Import \d+ members$/ }).count(), 0);

  const fixed = [
    "userid,name,mobile,email,departments",
    `wuba,吴八,,wuba@weft.example,${ROOT}/研发部 Engineering`,
    `zhengjiu,郑九,,zhengjiu@weft.example,${ROOT}/产品部 Product`,
  ].join("\n");
  await page.getByLabel("CSV file").setInputFiles({ name: "fixed.csv", mimeType: "text/csv", buffer: Buffer.from(fixed) });
  await page.getByText("2 new · 0 updated · 0 unchanged").waitFor();
  // Only the preview so far: the directory is unchanged.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Members" }).click();
  assert.equal(await shownCount(page), before);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Import" }).click();
  await page.getByLabel("CSV file").setInputFiles({ name: "fixed.csv", mimeType: "text/csv", buffer: Buffer.from(fixed) });
  await page.getByRole("button", { name: "Import 2 members" }).click();
  await page.getByRole("heading", { name: "Imported" }).waitFor();

  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Members" }).click();
  await page.getByText(`${before + 2} members shown`).waitFor();
  const table = page.getByRole("table", { name: "Members" });
  await table.getByRole("row", { name: /吴八/ }).waitFor();
  await table.getByRole("row", { name: /郑九/ }).waitFor();
  await context.close();
});

test("departments: add one, move it, reorder, and deleting one with members shows the server's refusal", async () => {
  const { page, context } = await openConsole("Departments");
  const tree = page.getByRole("list", { name: "Departments" });
  const names = async () => (await tree.getByRole("button").allInnerTexts()).map((t) => t.split(/\s*members:/)[0].trim());

  await tree.getByRole("button", { name: /^研发部 Engineering/ }).click();
  await page.getByRole("heading", { level: 3, name: "研发部 Engineering" }).waitFor();
  await page.getByLabel("New sub-department").fill("测试组 QA");
  await page.getByRole("button", { name: "Add sub-department" }).click();
  await page.getByText("Sub-department added.").waitFor();
  await tree.getByRole("button", { name: /^测试组 QA/ }).waitFor();
  let order = await names();
  assert.equal(order[order.indexOf("研发部 Engineering") + 3], "测试组 QA", order.join(" | "));

  // Move it under 产品部 Product; the tree shows it there.
  await tree.getByRole("button", { name: /^测试组 QA/ }).click();
  await page.getByLabel("New parent department").selectOption("product");
  await page.getByRole("button", { name: "Move", exact: true }).click();
  await page.getByText("Department moved.").waitFor();
  await page.waitForFunction(() => {
    const items = [...document.querySelectorAll(".dept-tree li")];
    const qa = items.findIndex((li) => li.innerText.startsWith("测试组 QA"));
    return qa > 0 && items[qa - 1].innerText.startsWith("产品部 Product") && items[qa].className === "tree-depth-2";
  });

  // Reorder: 财务部 Finance one place up, before 人事部 HR.
  await tree.getByRole("button", { name: /^财务部 Finance/ }).click();
  await page.getByRole("button", { name: "Move up" }).click();
  await page.waitForFunction(() => {
    const texts = [...document.querySelectorAll(".dept-tree li")].map((li) => li.innerText);
    return texts.findIndex((t) => t.startsWith("财务部")) < texts.findIndex((t) => t.startsWith("人事部"));
  });

  // 人事部 HR has two members: the server refuses, and its words are shown.
  await tree.getByRole("button", { name: /^人事部 HR/ }).click();
  assert.match(await tree.getByRole("button", { name: /^人事部 HR/ }).innerText(), /members: 2/);
  await page.getByRole("button", { name: "Delete department" }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await page
    .getByRole("alert")
    .filter({ hasText: "Could not be done: this department still has 2 member(s); move them first" })
    .waitFor();
  await tree.getByRole("button", { name: /^人事部 HR/ }).waitFor();

  // The empty one can go.
  await tree.getByRole("button", { name: /^测试组 QA/ }).click();
  await page.getByRole("button", { name: "Delete department" }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await page.getByText("Department deleted.").waitFor();
  await tree.getByRole("button", { name: /^测试组 QA/ }).waitFor({ state: "detached" });
  order = await names();
  assert.ok(!order.includes("测试组 QA"));
  await context.close();
});

test("visibility: limiting a department narrows what its members see; rules can be removed", async () => {
  const { page, context } = await openConsole("Visibility");
  await page.getByText("No rules: everyone sees everyone.").waitFor();
  await page.getByLabel("Department", { exact: true }).selectOption("hr");
  const maySee = page.getByRole("group", { name: "Departments it may see" });
  await maySee.getByLabel("人事部 HR").check();
  await maySee.getByLabel("总经办 CEO Office").check();
  await page.getByRole("button", { name: "Save scope" }).click();
  await page.getByText("Rule saved.").waitFor();
  const rule = page.locator(".rule", { hasText: "人事部 HR" });
  await rule.waitFor();
  assert.match(await rule.innerText(), /人事部 HR sees only: .*(总经办 CEO Office|人事部 HR)/);

  // 孙丽 in 人事部 no longer finds 张三 when starting a chat, but still finds the CEO.
  const sunli = await signedIn(fixture, "sunli");
  await sunli.page.getByRole("link", { name: "New chat" }).click();
  await sunli.page.getByLabel("Find people").fill("gao");
  await sunli.page.getByRole("checkbox", { name: /高远/ }).waitFor();
  await sunli.page.getByLabel("Find people").fill("zhang");
  assert.equal(await sunli.page.getByRole("checkbox", { name: /张三/ }).count(), 0);
  await sunli.context.close();

  // Hide 赵六 from everyone but 后端组.
  await page.getByLabel("Member", { exact: true }).selectOption({ label: "赵六 (zhaoliu)" });
  await page.getByRole("group", { name: "Departments that still see them" }).getByLabel("后端组 Backend").check();
  await page.getByRole("button", { name: "Hide member" }).click();
  await page.locator(".rule", { hasText: "赵六 (zhaoliu) is hidden; seen by: 后端组 Backend" }).waitFor();

  await page.getByRole("button", { name: "Remove rule 人事部 HR" }).click();
  await page.getByText("Rule removed.").waitFor();
  await page.locator(".rule", { hasText: "人事部 HR" }).waitFor({ state: "detached" });
  assert.equal(await page.locator(".rule").count(), 1);
  await context.close();
});
