// Approvals run from chat cards, offline included. 张三 (zhangsan) fills in a 12,000.00 expense
// with the network cut (the form and its template come from the device), submits it — it waits in
// the outbox — and goes online; his leader 王五 approves it from the card in his Approvals
// conversation; finance (吴霞 or 何芸, one decides) approves from a card; 张三 gets a card saying it
// was approved and sees the whole timeline. Then a decision taken offline meets a withdrawal made
// meanwhile: the server refuses it and the card explains why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { openApprovalsPage } from "./support/pages.js";

const fixture = useServerAndBrowser();

async function openApprovals(page) {
  await openApprovalsPage(page);
  await page.getByRole("heading", { level: 2, name: "Approvals" }).waitFor();
}

/** Opens the member's Approvals conversation from the chat list. */
async function openApprovalsChat(page) {
  await page.goto(new URL("/", page.url()).href);
  const link = page.locator(".conversation-list").getByRole("link", { name: /^Approvals/ });
  await link.waitFor({ timeout: 15000 });
  await link.click();
  await page.getByRole("heading", { level: 2, name: "Approvals" }).waitFor();
}

/** Errors other than the browser's notes on requests made with the network cut or refused
 * with 409 (both expected here). */
function unexpected(errors) {
  return errors.filter(
    (error) => !error.startsWith("Failed to load resource") && !error.includes("net::ERR_INTERNET_DISCONNECTED"),
  );
}

/** The card for 张三's request with this amount. */
function cardFor(page, amount) {
  return page.locator(".approval-card").filter({ hasText: amount });
}

test("an expense filled in offline is submitted on reconnecting and approved from chat cards", async () => {
  const applicant = await signedIn(fixture, "zhangsan");
  const { page, context } = applicant;
  await openApprovals(page);
  await page.getByRole("link", { name: "报销 Expense" }).waitFor();

  // Offline, after a reload: the template and the form come from the device.
  await context.setOffline(true);
  await page.reload();
  await openApprovals(page);
  await page.getByRole("link", { name: "报销 Expense" }).click();
  await page.getByLabel(/Amount/).fill("12000.00");
  await page.getByLabel(/Date/).fill("2026-11-24");
  await page.getByLabel(/Reason/).fill("年会场地定金 Venue deposit");
  await page.getByRole("button", { name: "Submit" }).click();
  const pending = page.getByTestId("pending-submission");
  await pending.filter({ hasText: /报销 Expense.*Waiting to send/ }).waitFor();

  await context.setOffline(false);
  await pending.waitFor({ state: "detached", timeout: 20000 });

  // The leader's card: the amount, and Approve in place.
  const leader = await signedIn(fixture, "wangwu");
  await openApprovalsChat(leader.page);
  const leaderCard = cardFor(leader.page, "CNY 12,000.00");
  await leaderCard.getByText("Waiting for your approval").waitFor();
  assert.match(await leaderCard.textContent(), /张三/);
  assert.equal(await leader.page.getByRole("textbox", { name: /Message/ }).count(), 0, "no composer here");
  await leaderCard.getByRole("button", { name: "Approve" }).click();
  await leaderCard.getByText("Waiting for other approvers").waitFor({ timeout: 15000 });
  assert.equal(await leaderCard.getByRole("button", { name: "Approve" }).count(), 0);

  // Finance: two approvers, one decides; the other's card stops offering the decision.
  const cashier = await signedIn(fixture, "heyun");
  await openApprovalsChat(cashier.page);
  const cashierCard = cardFor(cashier.page, "CNY 12,000.00");
  await cashierCard.getByRole("button", { name: "Approve" }).waitFor();
  const accountant = await signedIn(fixture, "wuxia");
  await openApprovalsChat(accountant.page);
  await cardFor(accountant.page, "CNY 12,000.00").getByRole("button", { name: "Approve" }).click();
  await cardFor(accountant.page, "CNY 12,000.00").getByTestId("card-status").filter({ hasText: "Approved" }).waitFor({ timeout: 15000 });
  await cashierCard.getByTestId("card-status").filter({ hasText: "Approved" }).waitFor({ timeout: 15000 });
  assert.equal(await cashierCard.getByRole("button", { name: "Approve" }).count(), 0);

  // The applicant's card, and the timeline behind it.
  await openApprovalsChat(page);
  const mine = cardFor(page, "CNY 12,000.00");
  await mine.getByText("Approved").first().waitFor({ timeout: 15000 });
  await mine.getByRole("link", { name: "Details" }).click();
  await page.getByTestId("approval-status").filter({ hasText: "Approved" }).waitFor();
  const history = await page.getByRole("list", { name: "History" }).getByRole("listitem").allTextContents();
  assert.equal(history.length, 3, history.join("\n"));
  assert.match(history[0], /张三 submitted/);
  assert.match(history[1], /王五 approved/);
  assert.match(history[2], /吴霞 approved/);

  for (const member of [applicant, leader, cashier, accountant]) {
    assert.deepEqual(unexpected(member.errors), []);
    await member.context.close();
  }
});

test("a decision made offline that meets a withdrawal is refused and explained on the card", async () => {
  const applicant = await signedIn(fixture, "zhangsan");
  const { page } = applicant;
  await openApprovals(page);
  await page.getByRole("link", { name: "报销 Expense" }).click();
  await page.getByLabel(/Amount/).fill("640.00");
  await page.getByLabel(/Date/).fill("2026-11-25");
  await page.getByLabel(/Reason/).fill("培训报名 Course fee");
  await page.getByRole("button", { name: "Submit" }).click();
  const status = page.getByTestId("approval-status");
  await status.filter({ hasText: "In review" }).waitFor();

  const leader = await signedIn(fixture, "wangwu");
  await openApprovalsChat(leader.page);
  const card = cardFor(leader.page, "CNY 640.00");
  await card.getByRole("button", { name: "Approve" }).waitFor();

  // The leader approves with the network cut: the decision waits on the device.
  await leader.context.setOffline(true);
  await card.getByRole("button", { name: "Approve" }).click();
  await card.getByTestId("approval-queued").waitFor();

  // Meanwhile the applicant withdraws.
  await page.getByRole("button", { name: "Withdraw" }).click();
  await status.filter({ hasText: "Withdrawn" }).waitFor();

  await leader.context.setOffline(false);
  const refused = card.getByTestId("approval-refused");
  await refused.waitFor({ timeout: 20000 });
  assert.match(await refused.textContent(), /applicant withdrew this request before your decision arrived/);
  await card.getByTestId("card-status").filter({ hasText: "Withdrawn" }).waitFor();
  assert.equal(await card.getByRole("button", { name: "Approve" }).count(), 0);
  await refused.getByRole("button", { name: "Dismiss" }).click();
  await refused.waitFor({ state: "detached" });

  // The trail shows the withdrawal and no approval.
  await card.getByRole("link", { name: "Details" }).click();
  const history = await leader.page.getByRole("list", { name: "History" }).textContent();
  assert.match(history, /张三 withdrew/);
  assert.doesNotMatch(history, /王五 approved/);

  assert.deepEqual(unexpected(applicant.errors), []);
  assert.deepEqual(unexpected(leader.errors), []);
  await leader.context.close();
  await applicant.context.close();
});
