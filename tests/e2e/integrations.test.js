// What outside systems post, seen in the app: an integration app's messages through the
// WeCom-compatible `message/send` (live, rendered, read-only, readable offline), and a group robot
// a member adds from the group's settings, whose webhook posts into the group.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHash, createHmac } from "node:crypto";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { login, call } from "./support/api.js";

// Webhook retries come quickly here (the server reads this when the fixture starts it).
process.env.WEFT_WEBHOOK_RETRY_MS = "200";
const fixture = useServerAndBrowser();
const DEMO_APP = "演示 ERP Demo ERP";
const DEMO_SECRET = "weft-demo-erp-secret";

/** The demo app's access token, as an integration gets it (corp id from the admin console's API). */
async function accessToken(url) {
  const admin = await login(url, "admin");
  const apps = await call(url, admin.token, "GET", "/admin/integration-apps");
  const corp = apps.body.corp_id;
  const reply = await (await fetch(`${url}/cgi-bin/gettoken?corpid=${corp}&corpsecret=${DEMO_SECRET}`)).json();
  assert.equal(reply.errcode, 0, JSON.stringify(reply));
  return { token: reply.access_token, agentid: apps.body.apps.find((app) => app.name === DEMO_APP).agent_id };
}

/** A WeCom call as SDKs make it: a JSON body with no Content-Type. */
async function wecomPost(url, path, body) {
  const reply = await fetch(`${url}${path}`, { method: "POST", body: JSON.stringify(body) });
  assert.equal(reply.status, 200);
  return reply.json();
}

test("an app's messages arrive live in the member's read-only app conversation, rendered, and stay readable offline", async () => {
  const url = fixture.server.url;
  const { token, agentid } = await accessToken(url);
  const send = (body) => wecomPost(url, `/cgi-bin/message/send?access_token=${token}`, { touser: "zhangsan|nobody", agentid, ...body });
  const a = await signedIn(fixture, "zhangsan");

  const first = await send({ msgtype: "text", text: { content: "订单 #1024 已发货 · Order shipped" } });
  assert.equal(first.errcode, 0, JSON.stringify(first));
  assert.equal(first.invaliduser, "nobody");
  // It appears without a reload, with the app's name as the conversation's title.
  await a.chats.conversation(DEMO_APP).waitFor({ timeout: 10_000 });
  await a.chats.open(DEMO_APP);
  await a.chats.timeline().getByText("订单 #1024 已发货 · Order shipped").waitFor();
  await a.chats.timeline().getByText("App", { exact: true }).first().waitFor();
  await a.page.getByText("Messages from this app arrive here; it cannot be answered.").waitFor();
  assert.equal(await a.page.getByLabel("Message").count(), 0, "no composer in an app conversation");
  assert.equal(await a.chats.timeline().getByRole("button", { name: "Reply" }).count(), 0, "nothing to reply with");

  const markdown = "## 周报 Weekly\n**已完成** 3 项 [查看 View](https://erp.example.com/r/1) [坏](javascript:alert(1))\n<script>alert(1)</script>";
  assert.equal((await send({ msgtype: "markdown", markdown: { content: markdown } })).errcode, 0);
  const timeline = a.chats.timeline();
  await timeline.locator("strong", { hasText: "已完成" }).waitFor({ timeout: 10_000 });
  assert.equal(await timeline.getByRole("link", { name: "查看 View" }).getAttribute("href"), "https://erp.example.com/r/1");
  assert.equal(await timeline.getByRole("link", { name: "坏" }).count(), 0, "a javascript: address is not a link");
  await timeline.getByText("<script>alert(1)</script>").waitFor();

  const card = { title: "报销已到账", description: "<div class=\"gray\">2026年12月1日</div><div>金额 300 元</div>", url: "https://erp.example.com/claims/7" };
  assert.equal((await send({ msgtype: "textcard", textcard: card })).errcode, 0);
  const details = timeline.getByRole("link", { name: "详情" });
  await details.waitFor({ timeout: 10_000 });
  assert.equal(await details.getAttribute("href"), "https://erp.example.com/claims/7");
  await timeline.getByText("金额 300 元").waitFor();

  // Offline, a reload shows what the device saved.
  await a.context.setOffline(true);
  await a.page.reload();
  await a.chats.waitForList();
  await a.chats.open(DEMO_APP);
  await a.chats.timeline().getByText("订单 #1024 已发货 · Order shipped").waitFor();
  await a.chats.timeline().getByRole("link", { name: "详情" }).waitFor();
  await a.context.setOffline(false);
  assert.deepEqual(a.errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await a.context.close();
});

test("a member adds a robot in the group's settings; its webhook posts into the group live", async () => {
  const url = fixture.server.url;
  const a = await signedIn(fixture, "lisi");
  await a.chats.open("午饭搭子 Lunch crew");
  await a.page.getByRole("link", { name: "Group settings" }).click();
  await a.page.getByRole("heading", { name: "Group robots" }).waitFor();
  await a.page.getByText("This group has no robots.").waitFor();
  // A blank name is refused next to the field.
  await a.page.getByRole("button", { name: "Add robot" }).click();
  await a.page.getByText("Name the robot (at most 40 characters).").waitFor();
  await a.page.getByLabel("Robot name").fill("订餐机器人 Lunch bot");
  await a.page.getByRole("button", { name: "Add robot" }).click();
  const address = a.page.getByLabel("Webhook address");
  await address.waitFor();
  const webhook = await address.inputValue();
  assert.match(webhook, /\/cgi-bin\/webhook\/send\?key=[0-9a-f-]{36}$/);
  await a.page.getByText("it is shown only this once").waitFor();
  await a.page.getByRole("button", { name: "Done" }).click();
  assert.equal(await address.count(), 0);
  await a.page.locator(".participant", { hasText: "订餐机器人 Lunch bot" }).getByRole("button", { name: /Remove robot/ }).waitFor();

  await a.chats.open("午饭搭子 Lunch crew");
  const posted = await wecomPost(url, new URL(webhook).pathname + new URL(webhook).search, {
    msgtype: "markdown",
    markdown: { content: "今天的外卖到了 **12:05** <@lisi>" },
  });
  assert.equal(posted.errcode, 0, JSON.stringify(posted));
  const message = a.chats.timeline().locator(".message", { hasText: "今天的外卖到了" });
  await message.waitFor({ timeout: 10_000 });
  await message.getByText("Robot", { exact: true }).waitFor();
  await message.getByText("订餐机器人 Lunch bot").waitFor();
  await message.locator("strong", { hasText: "12:05" }).waitFor();
  // Nobody may take a robot's message back, not even the member who added it.
  assert.equal(await message.getByRole("button", { name: "Recall" }).count(), 0);

  // News shows as linked articles; a picture as the group's own image.
  const path = new URL(webhook).pathname + new URL(webhook).search;
  const news = { msgtype: "news", news: { articles: [{ title: "菜单 Menu", description: "今日特价", url: "https://food.example.com/menu" }] } };
  assert.equal((await wecomPost(url, path, news)).errcode, 0);
  const menu = a.chats.timeline().getByRole("link", { name: "菜单 Menu" });
  await menu.waitFor({ timeout: 10_000 });
  assert.equal(await menu.getAttribute("href"), "https://food.example.com/menu");
  const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
  const md5 = createHash("md5").update(Buffer.from(png, "base64")).digest("hex");
  assert.equal((await wecomPost(url, path, { msgtype: "image", image: { base64: png, md5 } })).errcode, 0);
  await a.chats.timeline().getByRole("img", { name: /^robot-\d+\.png$/ }).waitFor({ timeout: 10_000 });
  assert.deepEqual(a.errors, []);
  await a.context.close();
});

test("an administrator makes an integration app in the console: its secret works once shown, rotates, and stops when disabled", async () => {
  const url = fixture.server.url;
  const admin = await signedIn(fixture, "admin");
  const page = admin.page;
  await page.getByRole("link", { name: "Admin" }).click();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Integration apps" }).click();
  await page.getByRole("heading", { level: 2, name: "Integration apps" }).waitFor();
  const corp = await page.getByTestId("corp-id").innerText();
  assert.match(corp, /^ww[0-9a-f]+$/);
  const table = page.getByRole("table", { name: "Integration apps" });
  await table.getByRole("rowheader", { name: DEMO_APP }).waitFor();

  // Missing name and permissions are flagged next to their fields.
  await page.getByRole("button", { name: "Create app" }).click();
  await page.getByText("Give the app a name.").waitFor();
  await page.getByText("Pick at least one permission.").waitFor();
  await page.getByLabel("App name").fill("客户系统 CRM");
  await page.getByLabel("Read the directory").check();
  await page.getByLabel("Send messages and app chats").check();
  await page.getByRole("button", { name: "Create app" }).click();
  const secretShown = page.getByTestId("integration-secret");
  await secretShown.waitFor();
  const secret = await secretShown.innerText();
  await page.getByText("it is shown only this once").waitFor();
  const row = table.getByRole("row", { name: /客户系统 CRM/ });
  await row.waitFor();
  const agent = Number(/100000\d/.exec(await row.innerText())[0]);
  const gettoken = async (s) => (await fetch(`${url}/cgi-bin/gettoken?corpid=${corp}&corpsecret=${s}`)).json();
  assert.equal((await gettoken(secret)).errcode, 0);

  // A new secret: the old one stops at once.
  await row.getByRole("button", { name: "New secret" }).click();
  await page.getByRole("group", { name: /Make a new secret/ }).getByRole("button", { name: "New secret" }).click();
  await page.waitForFunction((old) => document.querySelector("[data-testid=integration-secret]")?.textContent !== old, secret);
  const rotated = await secretShown.innerText();
  assert.equal((await gettoken(secret)).errcode, 40001);
  assert.equal((await gettoken(rotated)).errcode, 0);

  // Edit: the form takes the app's settings; a permission added is saved.
  await row.getByRole("button", { name: "Edit 客户系统 CRM" }).click();
  await page.getByRole("heading", { name: "Change integration app" }).waitFor();
  assert.equal(await page.getByLabel("App name").inputValue(), "客户系统 CRM");
  await page.getByLabel("Approvals").check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Saved.").waitFor();
  await row.getByText(/Approvals/).waitFor();

  // Disabled, its secret is refused.
  await row.getByRole("button", { name: "Disable" }).click();
  await row.getByText("Disabled").waitFor();
  assert.equal((await gettoken(rotated)).errcode, 40001);
  assert.ok(agent >= 1000002);
  await admin.context.close();
});

/** A webhook receiver on loopback: checks each call's signature with `secret()`, answers 500 to
 * the first `failures` calls and 200 after, and keeps what it saw. */
async function webhookReceiver(secret, failures) {
  const seen = { calls: [], accepted: [] };
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const expected = "sha256=" + createHmac("sha256", secret()).update(`${request.headers["x-weft-timestamp"]}.${body}`).digest("hex");
      const signed = request.headers["x-weft-signature"] === expected;
      seen.calls.push({ signed, event: request.headers["x-weft-event"], id: request.headers["x-weft-delivery"] });
      if (!signed) return response.writeHead(401).end();
      if (seen.calls.length <= failures) return response.writeHead(500).end();
      seen.accepted.push(JSON.parse(body));
      response.writeHead(200).end("ok");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/weft`, seen, close: () => server.close() };
}

test("an administrator adds an outgoing webhook in the console; a receiver failing twice gets one signed delivery, listed with its attempts", async () => {
  const url = fixture.server.url;
  let secret = "";
  const receiver = await webhookReceiver(() => secret, 2);
  const admin = await signedIn(fixture, "admin");
  const page = admin.page;
  await page.goto(`${url}/admin/integrations`);
  await page.getByRole("heading", { level: 2, name: "Outgoing webhooks" }).waitFor();
  // A bad address and no events are flagged next to their fields.
  await page.getByLabel("Webhook address").fill("ftp://erp.example.com");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await page.getByText("An http:// or https:// address without spaces or credentials.").waitFor();
  await page.getByText("Pick at least one event.").waitFor();
  await page.getByLabel("Webhook address").fill(receiver.url);
  await page.getByLabel("Member created").check();
  await page.getByRole("button", { name: "Add webhook" }).click();
  secret = await page.getByTestId("webhook-secret").innerText();
  assert.match(secret, /^[0-9a-f]{64}$/);
  const item = page.getByRole("listitem", { name: receiver.url });
  await item.getByText("Member created").waitFor();

  const token = (await login(url, "admin")).token;
  const created = await call(url, token, "POST", "/admin/members", { userid: "hooked", name: "钩子", departments: ["hr"] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  for (let i = 0; i < 100 && receiver.seen.accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(receiver.seen.accepted.length, 1, JSON.stringify(receiver.seen));
  assert.equal(receiver.seen.calls.length, 3);
  assert.ok(receiver.seen.calls.every((c) => c.signed && c.id === receiver.seen.calls[0].id && c.event === "member_created"));
  assert.equal(receiver.seen.accepted[0].data.userid, "hooked");

  await item.getByRole("button", { name: "Deliveries" }).click();
  const row = item.getByRole("row", { name: /Member created/ });
  await row.getByText("Delivered · HTTP 200").waitFor();
  assert.match(await row.innerText(), /\b3\b/);
  // Removing asks first; afterwards the list is empty.
  await item.getByRole("button", { name: "Remove" }).click();
  await page.getByRole("group", { name: /Remove this webhook/ }).getByRole("button", { name: "Remove" }).click();
  await page.getByText("No webhooks yet.").waitFor();
  receiver.close();
  await admin.context.close();
});
