// Approvals through the app: 张三 (zhangsan, led by 王五 wangwu) fills in an expense of 12,000.00,
// first without a reason (the error sits beside that field), then sends it; 王五 approves it from
// his Waiting list; as it is over 10,000.00, finance (吴霞 wuxia) approves next; 张三 sees
// "Approved" with the whole history. Then a request is withdrawn by its applicant (and found with
// the Submitted list's status filter), and one is rejected with a comment, seen live by others.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { openApprovalsPage } from "./support/pages.js";

const fixture = useServerAndBrowser();

async function openApprovals(page) {
  await openApprovalsPage(page);
  await page.getByRole("heading", { level: 2, name: "Approvals" }).waitFor();
}

async function fillExpense(page, { amount, reason }) {
  await openApprovals(page);
  await page.getByRole("link", { name: "报销 Expense" }).click();
  await page.getByLabel(/Amount/).waitFor();
  await page.getByLabel(/Amount/).fill(amount);
  await page.getByLabel(/Date/).fill("2026-11-20");
  if (reason) await page.getByLabel(/Reason/).fill(reason);
}

async function approveFirstWaiting(fixture, username) {
  const approver = await signedIn(fixture, username);
  await openApprovals(approver.page);
  const row = approver.page.getByRole("list", { name: "Approvals" }).getByRole("link", { name: /报销 Expense/ });
  await row.first().waitFor();
  assert.match(await row.first().textContent(), /张三.*In review/);
  await row.first().click();
  await approver.page.getByLabel("Comment (optional)").fill(`ok from ${username}`);
  await approver.page.getByRole("button", { name: "Approve" }).click();
  await approver.page.getByText(`ok from ${username}`).first().waitFor();
  assert.deepEqual(approver.errors, []);
  await approver.context.close();
}

test("an expense over 10,000.00 goes through the leader and finance, and the applicant sees it approved", async () => {
  const applicant = await signedIn(fixture, "zhangsan");
  const { page } = applicant;
  await fillExpense(page, { amount: "12000.00" });
  await page.getByRole("button", { name: "Submit" }).click();
  const reasonError = page.locator("#field-reason-error");
  await reasonError.filter({ hasText: "Required." }).waitFor();
  assert.equal(await page.getByLabel(/Reason/).getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator("#field-amount-error").textContent(), "");

  // The draft is kept on the device (sealed in its database) as it is typed: a reload brings it back.
  await page.getByTestId("draft-state").filter({ hasText: "Draft saved" }).waitFor();
  await page.reload();
  await page.getByLabel(/Amount/).waitFor();
  assert.equal(await page.getByLabel(/Amount/).inputValue(), "12000.00");
  assert.equal(await page.getByLabel(/Date/).inputValue(), "2026-11-20");

  await page.getByLabel(/Reason/).fill("客户拜访差旅 Client visit travel");
  await page.getByRole("button", { name: "Submit" }).click();
  const status = page.getByTestId("approval-status");
  await status.filter({ hasText: "In review" }).waitFor();
  await page.getByText("12,000.00 CNY").waitFor();

  await approveFirstWaiting(fixture, "wangwu");
  await approveFirstWaiting(fixture, "wuxia");

  // The applicant's open page follows the feed; a reload shows the same.
  await status.filter({ hasText: "Approved" }).waitFor({ timeout: 15000 });
  await page.reload();
  await status.filter({ hasText: "Approved" }).waitFor();
  const history = await page.getByRole("list", { name: "History" }).getByRole("listitem").allTextContents();
  assert.equal(history.length, 3, history.join("\n"));
  assert.match(history[0], /张三 submitted/);
  assert.match(history[1], /王五 approved.*ok from wangwu/);
  assert.match(history[2], /吴霞 approved.*ok from wuxia/);
  // Sent, its draft is gone: the form opens empty.
  await openApprovals(page);
  await page.getByRole("link", { name: "报销 Expense" }).click();
  await page.getByLabel(/Amount/).waitFor();
  assert.equal(await page.getByLabel(/Amount/).inputValue(), "");
  assert.deepEqual(applicant.errors, []);
  await applicant.context.close();
});

test("the applicant withdraws a request in review and it shows as withdrawn", async () => {
  const applicant = await signedIn(fixture, "zhangsan");
  const { page } = applicant;
  await fillExpense(page, { amount: "88.50", reason: "打车 Taxi" });
  await page.getByRole("button", { name: "Submit" }).click();
  const status = page.getByTestId("approval-status");
  await status.filter({ hasText: "In review" }).waitFor();
  await page.getByRole("button", { name: "Withdraw" }).click();
  await status.filter({ hasText: "Withdrawn" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Withdraw" }).count(), 0);

  await openApprovals(page);
  await page.getByRole("button", { name: "Submitted by me" }).click();
  await page.getByLabel("Status").selectOption({ label: "Withdrawn" });
  // Only the withdrawn request is left once the filter applies.
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll(".approvals__list a")];
    return rows.length === 1 && /Withdrawn/.test(rows[0].textContent);
  });
  assert.match(await page.getByRole("list", { name: "Approvals" }).textContent(), /报销 Expense\s*张三\s*Withdrawn/);
  assert.deepEqual(applicant.errors, []);
  await applicant.context.close();
});

test("the leader rejects with a comment; the applicant and the leader's other tab see it rejected live", async () => {
  const applicant = await signedIn(fixture, "zhangsan");
  await fillExpense(applicant.page, { amount: "300", reason: "团建 Team dinner" });
  await applicant.page.getByRole("button", { name: "Submit" }).click();
  const status = applicant.page.getByTestId("approval-status");
  await status.filter({ hasText: "In review" }).waitFor();
  await applicant.page.getByText("300.00 CNY").waitFor();

  const leader = await signedIn(fixture, "wangwu");
  await leader.page.goto(applicant.page.url());
  await leader.page.getByRole("button", { name: "Reject" }).waitFor();
  // A second tab of the leader's, open on the same request, follows the feed too.
  const stale = await leader.context.newPage();
  await stale.goto(applicant.page.url());
  await stale.getByRole("button", { name: "Approve" }).waitFor();

  await leader.page.getByLabel("Comment (optional)").fill("预算不足 Over budget");
  await leader.page.getByRole("button", { name: "Reject" }).click();
  await leader.page.getByTestId("approval-status").filter({ hasText: "Rejected" }).waitFor();

  await status.filter({ hasText: "Rejected" }).waitFor({ timeout: 15000 });
  const history = await applicant.page.getByRole("list", { name: "History" }).textContent();
  assert.match(history, /王五 rejected.*预算不足 Over budget/);

  await stale.getByTestId("approval-status").filter({ hasText: "Rejected" }).waitFor({ timeout: 15000 });
  assert.deepEqual(applicant.errors, []);
  await leader.context.close();
  await applicant.context.close();
});
