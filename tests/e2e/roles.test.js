// Delegated administration (issue #14) as the people holding the roles use it: 王五, department
// administrator of 研发部, edits a member there and finds members outside it out of his reach (the
// console offers nothing, the server refuses); 黄丽, auditor, lands on the audit log and finds
// both attempts there; 胡琳, approvals administrator, sees only the templates.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser } from "./support/fixtures.js";
import { signInAs, memberId } from "./support/sessions.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();

/** The member's row in the console's members table, found by filtering for their userid. */
async function memberRow(page, userid, name) {
  await page.getByLabel("Filter by name, pinyin or account").fill(userid);
  return page.getByRole("table", { name: "Members" }).getByRole("row").filter({ has: page.getByRole("rowheader", { name }) });
}

test("a department administrator edits a member of 研发部, is refused outside it, and the auditor sees both", async () => {
  const url = fixture.server.url;
  const desk = { viewport: { width: 1280, height: 800 } };
  const { context, page } = await signInAs(fixture, "wangwu", { contextOptions: desk });
  await page.getByRole("link", { name: "Admin", exact: true }).first().click();
  const nav = page.getByRole("navigation", { name: "Admin" });
  await nav.getByRole("link", { name: "Members", exact: true }).waitFor();
  await page.getByTestId("admin-scope").getByText("研发部 Engineering").waitFor();
  for (const absent of ["Policies", "Audit log", "Templates", "Sessions", "Integrations"]) {
    assert.equal(await nav.getByRole("link", { name: absent, exact: true }).count(), 0, `${absent} is not his`);
  }

  // Inside 研发部: 赵六 can be edited, and the role is not his to give.
  const zhaoliu = await memberRow(page, "zhaoliu", /赵六/);
  await zhaoliu.getByRole("button", { name: "Edit" }).click();
  await page.getByText("Roles are given by the workspace administrator.").waitFor();
  assert.equal(await page.getByLabel("Role", { exact: true }).count(), 0);
  await page.getByLabel("Position", { exact: true }).fill("高级后端工程师 Senior Backend Engineer");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("status").getByText("Changes saved.").waitFor();

  // Outside it: 孙丽 (人事部) offers no actions, and the server refuses what the console hides.
  const sunli = await memberRow(page, "sunli", /孙丽/);
  await sunli.getByText("Outside your scope").waitFor();
  assert.equal(await sunli.getByRole("button").count(), 0);
  const { token } = await login(url, "wangwu");
  const adminToken = (await login(url, "admin")).token;
  const sunliId = await memberId(url, adminToken, "sunli");
  const refused = await call(url, token, "PUT", `/admin/members/${sunliId}`, { name: "孙丽", position: "改 Changed", departments: ["hr"] });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.reason.kind, "outside_scope");
  // A page of the workspace's own settings refuses him too.
  await page.goto(`${url}/admin/policies`);
  await page.getByRole("alert").filter({ hasText: "This page is for administrators." }).waitFor();
  await context.close();

  // The auditor, on a phone, lands on the audit log and finds both attempts.
  const auditor = await signInAs(fixture, "huangli", { contextOptions: { viewport: { width: 390, height: 844 } } });
  await auditor.page.goto(`${url}/admin`);
  await auditor.page.getByRole("heading", { level: 2, name: "Audit log" }).waitFor();
  assert.match(auditor.page.url(), /\/admin\/audit$/);
  const auditorNav = auditor.page.getByRole("navigation", { name: "Admin" });
  assert.equal(await auditorNav.getByRole("link", { name: "Members", exact: true }).count(), 0);
  await auditor.page.getByLabel("Actor (userid)", { exact: true }).fill("wangwu");
  await auditor.page.getByRole("button", { name: "Apply filters" }).click();
  const table = auditor.page.getByRole("table", { name: "Audit log" });
  const refusedRow = table.locator("tbody tr").filter({ hasText: "Administration refused" });
  await refusedRow.first().waitFor();
  assert.match(await refusedRow.first().innerText(), new RegExp(`/api/v1/admin/members/${sunliId}`));
  assert.match(await refusedRow.first().innerText(), /outside the departments you administer/);
  await table.locator("tbody tr").filter({ hasText: "Member updated" }).filter({ hasText: "zhaoliu" }).first().waitFor();
  // Reading is all the auditor does.
  const auditorToken = (await login(url, "huangli")).token;
  assert.equal((await call(url, auditorToken, "GET", "/admin/members.csv")).status, 403);
  await auditor.context.close();
});

test("an approvals administrator's console is the approval templates", async () => {
  const { context, page } = await signInAs(fixture, "hulin", { contextOptions: { viewport: { width: 1280, height: 800 } } });
  await page.getByRole("link", { name: "Admin", exact: true }).first().click();
  await page.getByRole("heading", { level: 2, name: "Templates" }).waitFor();
  const nav = page.getByRole("navigation", { name: "Admin" });
  assert.deepEqual(await nav.getByRole("link").allInnerTexts(), ["Templates"]);
  await page.goto(`${fixture.server.url}/admin/departments`);
  await page.getByRole("alert").filter({ hasText: "This page is for administrators." }).waitFor();
  await context.close();
});
