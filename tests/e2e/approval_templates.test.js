// Approval templates in the admin console (/admin/templates): the administrator designs
// "差旅申请 Travel" (a text, an amount and a date range; the direct leader, then 吴霞 when the amount
// is over 5000) — first saved without a field's title, which is flagged beside it, then offline,
// which keeps the form — and saves it; 张三 starts one from Approvals; an edit adds a field and the
// list shows version 2 while 张三's request keeps the version-1 form; archiving takes it off the
// members' "New request" list. Members see no Templates section and the server refuses their POST.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();
const TRAVEL = "差旅申请 Travel";

/** Signs in as the seeded administrator and opens the Templates section through the console's nav. */
async function openTemplates() {
  const admin = await signedIn(fixture, "admin");
  await admin.page.getByRole("link", { name: "Admin" }).click();
  await admin.page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Templates" }).click();
  await admin.page.getByRole("heading", { level: 2, name: "Templates" }).waitFor();
  return admin;
}

/** Adds a field of `kind` (the option's value) at the end of the form. */
async function addField(page, kind) {
  await page.getByLabel("Kind of field").selectOption(kind);
  await page.getByRole("button", { name: "Add field" }).click();
}

/** The card of the n-th field (from 1). */
function field(page, n) {
  return page.getByRole("group", { name: new RegExp(`^Field ${n} ·`) });
}

function templateRow(page, name) {
  return page.getByRole("table", { name: "Templates" }).getByRole("row", { name: new RegExp(name) });
}

/** The "New request" choices on a member's Approvals page. */
async function newRequestChoices(page) {
  await page.goto(`${fixture.server.url}/approvals`);
  const choices = page.getByRole("navigation", { name: "New request" });
  await choices.getByRole("link", { name: "报销 Expense" }).waitFor();
  return choices.getByRole("link").allInnerTexts();
}

test("an administrator designs a template, members use it, an edit is a new version, archiving retires it", async () => {
  const admin = await openTemplates();
  const { page } = admin;
  await templateRow(page, "报销 Expense").waitFor();
  await page.getByRole("link", { name: "New template" }).click();
  await page.getByRole("heading", { level: 2, name: "New template" }).waitFor();

  await page.getByLabel("Template name").fill(TRAVEL);
  await page.getByLabel("Icon (an emoji or a short word)").fill("✈️");
  await page.getByLabel("Description").fill("出差前提交。Submit before the trip.");
  await addField(page, "text");
  // A new field's title has the keyboard; this one is left empty on purpose.
  await page.waitForFunction(() => document.activeElement?.id === "tpl-text_2-title");
  await addField(page, "money");
  await field(page, 2).getByLabel("Title").fill("金额 Amount");
  assert.equal(await field(page, 2).getByLabel("Currency code").inputValue(), "CNY");
  await addField(page, "date_range");
  await field(page, 3).getByLabel("Title").fill("日期 Dates");

  // Reordering from the keyboard: the pressed button keeps focus and the cards follow.
  await page.getByRole("button", { name: "Move up 日期 Dates" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "tpl-date_range_4-up");
  assert.equal(await field(page, 2).getByLabel("Title").inputValue(), "日期 Dates");
  await page.getByRole("button", { name: "Move down 日期 Dates" }).click();
  assert.equal(await field(page, 3).getByLabel("Title").inputValue(), "日期 Dates");

  // The chain: step 1 is the direct leader; step 2 is 吴霞 when the amount is over 5000.
  const step1 = page.getByRole("group", { name: /^Step 1$/ });
  assert.equal(await step1.getByLabel("Approvers").inputValue(), "direct_leader");
  await step1.getByLabel("Step name").fill("直属上级 Leader");
  await page.getByRole("button", { name: "Add step" }).click();
  const step2 = page.getByRole("group", { name: /^Step 2$/ });
  await step2.getByLabel("Step name").fill("财务 Finance");
  await step2.getByLabel("Approvers").selectOption("members");
  await step2.getByLabel("Filter by name, pinyin or account").fill("wuxia");
  await step2.getByLabel("吴霞 (wuxia)").check();
  await step2.getByLabel("Only when").selectOption({ label: "金额 Amount" });
  await step2.getByLabel("Comparison").selectOption({ label: "is more than" });
  await step2.getByLabel("Value").fill("5000");
  assert.equal(await page.getByLabel("Fallback approver").inputValue() !== "", true, "the administrator by default");

  // Checked in the browser with the protocol's validate_template: the missing title is flagged.
  await page.getByRole("button", { name: "Save template" }).click();
  const title = field(page, 1).getByLabel("Title");
  await page.locator("#tpl-text_2-title-error", { hasText: "Give this field a title." }).waitFor();
  assert.equal(await title.getAttribute("aria-invalid"), "true");
  assert.equal(await title.getAttribute("aria-describedby"), "tpl-text_2-title-error");
  await page.getByRole("alert").filter({ hasText: "Some parts need attention" }).waitFor();
  assert.equal(await field(page, 2).getByLabel("Title").getAttribute("aria-invalid"), "false");

  // Offline: saving says the server is needed and keeps everything.
  await title.fill("目的地 Destination");
  await admin.context.setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
  await page.getByRole("button", { name: "Save template" }).click();
  await page.getByText("Cannot reach the server, so nothing was saved.", { exact: false }).waitFor();
  assert.equal(await page.getByLabel("Template name").inputValue(), TRAVEL);
  assert.equal(await title.inputValue(), "目的地 Destination");
  assert.equal(await step2.getByLabel("Value").inputValue(), "5000");
  await admin.context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));

  await page.getByRole("button", { name: "Save template" }).click();
  await page.getByText("Template saved.").waitFor();
  const row = templateRow(page, TRAVEL);
  await row.waitFor();
  assert.match(await row.innerText(), /✈️\s+差旅申请 Travel\s+1\s+3\s+2/);

  // 张三 starts one: 6,000.00 is over 5000, so finance is part of the chain.
  const member = await signedIn(fixture, "zhangsan");
  assert.ok((await newRequestChoices(member.page)).includes(TRAVEL));
  await member.page.getByRole("navigation", { name: "New request" }).getByRole("link", { name: TRAVEL }).click();
  await member.page.getByLabel("目的地 Destination").fill("上海 Shanghai");
  await member.page.getByLabel("金额 Amount (CNY)").fill("6000");
  const dates = member.page.getByRole("group", { name: "日期 Dates" });
  await dates.getByLabel("Start").fill("2026-12-01");
  await dates.getByLabel("End").fill("2026-12-03");
  await member.page.getByRole("button", { name: "Submit" }).click();
  await member.page.getByTestId("approval-status").filter({ hasText: "In review" }).waitFor();
  const requestUrl = member.page.url();
  const chain = await member.page.getByRole("list", { name: "Approval chain" }).innerText();
  assert.match(chain, /直属上级 Leader[\s\S]*王五[\s\S]*财务 Finance[\s\S]*吴霞/);

  // The administrator adds a field: the list shows version 2.
  await row.getByRole("link", { name: `Edit ${TRAVEL}` }).click();
  await page.getByRole("heading", { level: 2, name: "Edit template" }).waitFor();
  await page.getByText("Editing version 1.", { exact: false }).waitFor();
  assert.equal(await field(page, 1).getByLabel("Title").inputValue(), "目的地 Destination");
  await addField(page, "textarea");
  await field(page, 4).getByLabel("Title").fill("备注 Notes");
  await page.getByRole("button", { name: "Save template" }).click();
  await page.getByText("Template saved.").waitFor();
  await row.getByTestId("template-version").filter({ hasText: "2" }).waitFor();
  assert.match(await row.innerText(), /差旅申请 Travel\s+2\s+4\s+2/);

  // The request keeps the form it was filled in with; a new request gets the new field.
  await member.page.goto(requestUrl);
  await member.page.getByTestId("approval-status").filter({ hasText: "In review" }).waitFor();
  const form = await member.page.locator(".approval-detail__form").innerText();
  assert.match(form, /目的地 Destination[\s\S]*上海 Shanghai/);
  assert.match(form, /6,000\.00 CNY/);
  assert.ok(!form.includes("备注 Notes"), form);
  await newRequestChoices(member.page);
  await member.page.getByRole("navigation", { name: "New request" }).getByRole("link", { name: TRAVEL }).click();
  await member.page.getByLabel("备注 Notes").waitFor();

  // Archiving, after a confirmation, takes it off the members' choices; the request stays readable.
  await page.getByRole("button", { name: `Archive ${TRAVEL}` }).click();
  await page.getByRole("button", { name: "Yes, archive" }).click();
  await page.getByText("Template archived.").waitFor();
  await row.waitFor({ state: "detached" });
  const choices = await newRequestChoices(member.page);
  assert.ok(!choices.includes(TRAVEL), choices.join(", "));
  await member.page.goto(requestUrl);
  await member.page.getByTestId("approval-status").filter({ hasText: "In review" }).waitFor();

  // Only the offline attempt may appear as a failed load: no panic, no CSP violation.
  const unexpected = (errors) => errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e));
  assert.deepEqual(unexpected(admin.errors), []);
  assert.deepEqual(member.errors, []);
  await member.context.close();
  await admin.context.close();
});

test("members see no Templates section, /admin/templates refuses them, and the server refuses their template", async () => {
  const { page, context } = await signedIn(fixture, "zhangsan");
  assert.equal(await page.getByRole("link", { name: "Admin" }).count(), 0);
  await page.goto(`${fixture.server.url}/admin/templates`);
  await page.getByRole("alert").filter({ hasText: "This page is for administrators." }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Templates" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Save template" }).count(), 0);

  const { token, me } = await login(fixture.server.url, "zhangsan");
  const spec = {
    name: "私自 Mine",
    icon: "x",
    controls: [{ id: "text_1", title: "T", required: false, kind: "text" }],
    chain: { steps: [{ name: "S", approvers: { source: "direct_leader" }, mode: "any_one" }], fallback_approver: me.id },
  };
  const reply = await call(fixture.server.url, token, "POST", "/approvals/templates", spec);
  assert.equal(reply.status, 403);
  assert.equal(reply.body.code, "forbidden");
  await context.close();
});
