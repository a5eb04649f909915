// Files in approval forms and long lists: 张三 attaches a receipt to an expense (a file over the
// limit is refused beside the field; the draft keeps the uploaded file across a reload), submits
// it, and his leader 王五 downloads the receipt from the request's page; an unrelated member
// (刘洋) gets no link. Offline, the file input is disabled with a note. A list longer than a page
// shows "Load more", which appends the rest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { openApprovalsPage } from "./support/pages.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();

const RECEIPT = "Taxi 256.00 CNY\n";

async function openExpenseForm(page) {
  await openApprovalsPage(page);
  await page.getByRole("heading", { level: 2, name: "Approvals" }).waitFor();
  await page.getByRole("link", { name: "报销 Expense" }).click();
  await page.getByLabel(/Receipts/).waitFor();
}

async function readStream(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

test("a receipt attached to an expense reaches the approver, and nobody else", async () => {
  const applicant = await signedIn(fixture, "zhangsan");
  const { page } = applicant;
  await openExpenseForm(page);
  await page.getByLabel(/Amount/).fill("256.00");
  await page.getByLabel(/Date/).fill("2026-11-21");
  await page.getByLabel(/Reason/).fill("机场打车 Airport taxi");

  // Too large: refused beside the field, nothing uploaded.
  const input = page.getByLabel(/Receipts/);
  await input.setInputFiles({ name: "huge.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(10 * 1024 * 1024 + 1) });
  await page.locator("#field-receipts-problems", { hasText: "huge.bin: The file is too large" }).waitFor();
  assert.equal(await page.locator(".approval-files__file").count(), 0);

  await input.setInputFiles({ name: "taxi-receipt.txt", mimeType: "text/plain", buffer: Buffer.from(RECEIPT) });
  const chip = page.locator(".approval-files__file", { hasText: "taxi-receipt.txt" });
  await chip.filter({ hasText: "16 B" }).waitFor();
  assert.equal(await page.locator("#field-receipts-problems").textContent(), "", "a new choice clears old problems");

  // The draft keeps the uploaded file (and what was typed) across a reload.
  await page.getByTestId("draft-state").filter({ hasText: "Draft saved" }).waitFor();
  await page.reload();
  await chip.waitFor();
  assert.equal(await page.getByLabel(/Amount/).inputValue(), "256.00");
  assert.equal(await chip.getByRole("button", { name: "Remove taxi-receipt.txt" }).count(), 1);

  await page.getByRole("button", { name: "Submit" }).click();
  await page.getByTestId("approval-status").filter({ hasText: "In review" }).waitFor();
  const ownLink = page.getByRole("link", { name: /taxi-receipt\.txt/ });
  await ownLink.waitFor();
  const requestUrl = page.url();
  const requestId = requestUrl.split("/").pop();

  // 王五, 张三's leader and the request's approver, downloads it from the request's page.
  const approver = await signedIn(fixture, "wangwu");
  await approver.page.goto(requestUrl);
  const link = approver.page.getByRole("link", { name: /taxi-receipt\.txt \(16 B\)/ });
  await link.waitFor();
  await approver.page.waitForFunction(() => document.querySelector(".approval-detail__files a[href*='/files/']") !== null);
  const [download] = await Promise.all([approver.page.waitForEvent("download"), link.click()]);
  assert.equal(download.suggestedFilename(), "taxi-receipt.txt");
  assert.equal(await readStream(await download.createReadStream()), RECEIPT);

  // 刘洋 may neither read the request nor get a link to its file.
  const { token: zhangsanToken } = await login(fixture.server.url, "zhangsan");
  const detail = await call(fixture.server.url, zhangsanToken, "GET", `/approvals/requests/${requestId}`);
  assert.equal(detail.status, 200);
  const fileId = detail.body.files[0].id;
  assert.equal(detail.body.files[0].file_name, "taxi-receipt.txt");
  const { token: wangwuToken } = await login(fixture.server.url, "wangwu");
  assert.equal((await call(fixture.server.url, wangwuToken, "GET", `/attachments/${fileId}/url`)).status, 200);
  const { token: strangerToken } = await login(fixture.server.url, "liuyang");
  assert.equal((await call(fixture.server.url, strangerToken, "GET", `/approvals/requests/${requestId}`)).status, 404);
  const refused = await call(fixture.server.url, strangerToken, "GET", `/attachments/${fileId}/url`);
  assert.equal(refused.status, 404);
  assert.equal(refused.body.code, "not_found");

  assert.deepEqual(applicant.errors, []);
  assert.deepEqual(approver.errors, []);
  await approver.context.close();
  await applicant.context.close();
});

test("offline, the file input is disabled and says files need the network", async () => {
  const applicant = await signedIn(fixture, "zhangsan");
  const { page, context } = applicant;
  await openExpenseForm(page);
  const input = page.getByLabel(/Receipts/);
  assert.equal(await input.isEnabled(), true);
  await context.setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
  await page.getByText("Files are attached when you are online.").waitFor();
  assert.equal(await input.isDisabled(), true);
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await page.waitForFunction(() => !document.querySelector("#field-receipts").disabled);
  assert.equal(await page.getByText("Files are attached when you are online.").count(), 0);
  await context.close();
});

test("a list longer than a page loads the rest with Load more", async () => {
  const url = fixture.server.url;
  const { token } = await login(url, "lisi");
  const templates = await call(url, token, "GET", "/approvals/templates");
  const expense = templates.body.find((t) => t.icon === "expense");
  const submit = async (n) => {
    const reply = await call(url, token, "POST", "/approvals/requests", {
      client_id: crypto.randomUUID(),
      template_id: expense.id,
      template_version: expense.version,
      form: {
        amount: { kind: "money", value: 1000 + n },
        reason: { kind: "text", value: `文具 Stationery ${n}` },
        date: { kind: "date", value: "2026-11-22" },
      },
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
  };
  for (let n = 0; n < 50; n++) await submit(n);

  const member = await signedIn(fixture, "lisi");
  const { page } = member;
  await openApprovalsPage(page);
  await page.getByRole("button", { name: "Submitted by me" }).click();
  const rows = page.getByRole("list", { name: "Approvals" }).getByRole("link");
  await page.waitForFunction(() => document.querySelectorAll(".approvals__list a").length === 50);
  // Exactly one page: nothing more to load.
  const more = page.getByRole("button", { name: "Load more" });
  assert.equal(await more.count(), 0, "no Load more under a list that is complete");
  // Five more arrive while the list is open: the feed reloads it and now there is more.
  for (let n = 50; n < 55; n++) await submit(n);
  await more.waitFor();
  await more.click();
  await page.waitForFunction(() => document.querySelectorAll(".approvals__list a").length === 55);
  await more.waitFor({ state: "detached" });
  const hrefs = await rows.evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  assert.equal(new Set(hrefs).size, 55, "each request once");
  assert.deepEqual(member.errors, []);
  await member.context.close();
});
