// Confidential chats (issue #13) as members and administrators meet them: the watermark (in the
// DOM, in a screenshot's pixels as the server's decoder reads them, back within 100 ms after
// tampering, with an audit entry), no copy, no forward or download (Forward exists elsewhere),
// nothing printed, blur when the page is hidden, screenshot shortcuts announced and audited,
// forwarding refused by the API, no offline copy in IndexedDB, messages that disappear, and the
// decoder naming the right viewer from scaled, cropped and compressed screenshots.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { login, call } from "./support/api.js";
import { eventually } from "./support/sessions.js";

const fixture = useServerAndBrowser();

const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 360, height: 640 };

async function tokenOf(page) {
  return JSON.parse(await page.evaluate(() => localStorage.getItem("weft.session"))).token;
}

async function conversationId(url, token, title) {
  const { body } = await call(url, token, "GET", "/conversations");
  const found = body.find((c) => c.title === title);
  if (!found) throw new Error(`no conversation ${title}`);
  return found.id;
}

async function auditEntries(action) {
  const admin = await login(fixture.server.url, "admin");
  const { status, body } = await call(fixture.server.url, admin.token, "GET", `/admin/audit?action=${action}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body.entries;
}

async function decode(picture, contentType) {
  const admin = await login(fixture.server.url, "admin");
  const reply = await fetch(`${fixture.server.url}/api/v1/admin/watermark/decode`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin.token}`, "content-type": contentType },
    body: picture,
  });
  assert.equal(reply.status, 200, await reply.clone().text());
  return reply.json();
}

/** The screenshot scaled by `factor`, or its centre quarter, as JPEG quality 0.7 — in Chromium. */
async function transformed(page, png, { factor = 1, quarter = false }) {
  const base64 = await page.evaluate(
    async ({ data, factor, quarter }) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
      const [sx, sy, sw, sh] = quarter
        ? [bitmap.width / 4, bitmap.height / 4, bitmap.width / 2, bitmap.height / 2]
        : [0, 0, bitmap.width, bitmap.height];
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(sw * factor);
      canvas.height = Math.round(sh * factor);
      canvas.getContext("2d").drawImage(bitmap, sx, sy, sw, sh, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.7));
      const buffer = new Uint8Array(await blob.arrayBuffer());
      let text = "";
      for (const byte of buffer) text += String.fromCharCode(byte);
      return btoa(text);
    },
    { data: png.toString("base64"), factor, quarter },
  );
  return Buffer.from(base64, "base64");
}

/** Members A (张三) and B (李四) in their direct chat, made confidential through A's chat info. */
async function confidentialPair(viewport = WIDE) {
  const a = await signedIn(fixture, "zhangsan");
  const b = await signedIn(fixture, "lisi");
  await a.page.setViewportSize(viewport);
  await b.page.setViewportSize(viewport);
  await a.chats.open("李四");
  await b.chats.open("张三");
  return { a, b };
}

test("marking a chat confidential shows the lock, the honest sentence and a watermark with the viewer's name", async () => {
  const { a, b } = await confidentialPair();
  await a.page.getByRole("link", { name: "Chat info" }).click();
  const toggle = a.page.getByRole("switch", { name: "Confidential" });
  await toggle.check();
  await a.page.getByText("These protections deter and trace; they cannot prevent a photo.").waitFor();
  await a.page.getByLabel("Messages disappear").waitFor();
  await a.page.goBack();
  await a.page.getByRole("heading", { level: 2, name: "李四" }).waitFor();

  // Header and list say so, also to screen readers; B's too (through the feed).
  for (const member of [a, b]) {
    await member.page.locator(".conversation__header").getByRole("img", { name: /Confidential chat/ }).waitFor();
    await member.chats.list().getByRole("img", { name: /Confidential chat/ }).first().waitFor();
    await member.chats.timeline().getByText(/made this chat confidential/).waitFor();
  }
  const overlay = a.page.locator(".watermark-overlay");
  assert.match(await overlay.getAttribute("data-watermark"), /张三 · zhangsan · \d{4}-\d{2}-\d{2} \d{2}:\d{2} · \w{8}/);
  assert.equal(await overlay.getAttribute("aria-hidden"), "true");
  assert.match(await b.page.locator(".watermark-overlay").getAttribute("data-watermark"), /李四 · lisi/);
  const style = await overlay.evaluate((o) => {
    const s = getComputedStyle(o);
    return { events: s.pointerEvents, images: (s.backgroundImage.match(/url\(/g) || []).length };
  });
  assert.deepEqual(style, { events: "none", images: 2 });

  // The screenshot's pixels carry A's mark: the server's decoder names A.
  await a.chats.send("机密计划 secret plan");
  await a.chats.timeline().getByText("机密计划 secret plan").waitFor();
  const shot = await a.page.screenshot();
  const found = await decode(shot, "image/png");
  assert.equal(found.owner?.userid, "zhangsan", JSON.stringify(found));
  await a.context.close();
  await b.context.close();
});

test("deleting or hiding the overlay brings it back within 100 ms and the admin sees it audited", async () => {
  const { a, b } = await confidentialPair();
  await a.page.locator(".watermark-overlay").waitFor({ state: "attached" });
  const times = await a.page.evaluate(async () => {
    const back = (check) =>
      new Promise((resolve) => {
        const start = performance.now();
        const poll = () => (check() ? resolve(performance.now() - start) : setTimeout(poll, 2));
        poll();
      });
    const overlay = () => document.querySelector(".watermark-overlay");
    const result = {};
    overlay().remove();
    result.removed = await back(() => overlay()?.isConnected);
    overlay().style.display = "none";
    result.hidden = await back(() => getComputedStyle(overlay()).display !== "none");
    overlay().style.opacity = "0";
    result.transparent = await back(() => getComputedStyle(overlay()).opacity === "1");
    return result;
  });
  for (const [what, ms] of Object.entries(times)) assert.ok(ms < 100, `${what}: back after ${ms} ms`);
  const entries = await eventually(async () => {
    const list = await auditEntries("watermark_tampered");
    return list.some((e) => e.actor === "zhangsan") && list;
  }, 10_000, "a watermark_tampered audit entry");
  assert.ok(entries.length >= 1);
  await a.context.close();
  await b.context.close();
});

test("copying leaves the clipboard empty, and no Forward or Download is offered (Forward exists elsewhere)", async () => {
  const { a, b } = await confidentialPair();
  await a.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: fixture.server.url });
  const line = a.chats.timeline().getByText("机密计划 secret plan");
  await line.waitFor();
  await a.page.evaluate(() => navigator.clipboard.writeText("PREVIOUS"));
  await line.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  });
  await a.page.keyboard.press("Control+C");
  assert.equal(await a.page.evaluate(() => navigator.clipboard.readText()), "");
  await eventually(async () => (await auditEntries("copy_attempted")).some((e) => e.actor === "zhangsan"), 10_000, "copy audit");

  assert.equal(await a.chats.timeline().getByRole("button", { name: "Forward" }).count(), 0);
  assert.equal(await a.chats.timeline().locator("a[download]").count(), 0);
  assert.equal(await a.chats.timeline().getByRole("link", { name: /Download/ }).count(), 0);

  // An ordinary conversation offers Forward, and it works.
  await a.chats.open("研发部 Engineering");
  await a.chats.timeline().getByText("前端也准备好了。Frontend is ready too.").waitFor();
  await a.chats.timeline().getByRole("button", { name: "Forward" }).last().click();
  const dialog = a.page.getByRole("dialog", { name: "Forward to" });
  assert.equal(await dialog.getByLabel("李四").count(), 0, "confidential conversations are no target");
  await dialog.getByLabel("午饭搭子 Lunch crew").check();
  await dialog.getByRole("button", { name: "Send" }).click();
  await a.chats.timeline().getByRole("status").getByText("Forwarded").waitFor();
  await b.chats.open("午饭搭子 Lunch crew");
  await b.chats.timeline().getByText("前端也准备好了。Frontend is ready too.").waitFor();
  await a.context.close();
  await b.context.close();
});

test("print emulation renders no message text; a hidden page blurs until Show (360×640)", async () => {
  const { a, b } = await confidentialPair(NARROW);
  const line = a.chats.timeline().getByText("机密计划 secret plan");
  await line.waitFor();
  await a.page.emulateMedia({ media: "print" });
  assert.equal(await line.isVisible(), false, "no message text in print");
  await a.page.getByText("Confidential chats cannot be printed.").waitFor();
  await a.page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  await a.page.emulateMedia({ media: "screen" });
  await eventually(async () => (await auditEntries("print_attempted")).some((e) => e.actor === "zhangsan"), 10_000, "print audit");

  await a.page.evaluate(() => {
    Object.defineProperty(document, "hidden", { value: true, configurable: true });
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  const content = a.page.locator(".confidential-view__content");
  assert.match(await content.evaluate((c) => getComputedStyle(c).filter), /blur/);
  await a.page.evaluate(() => {
    delete document.hidden;
    delete document.visibilityState;
  });
  const show = a.page.getByRole("button", { name: "Show" });
  await show.click();
  assert.equal(await content.evaluate((c) => getComputedStyle(c).filter), "none");
  await eventually(async () => (await auditEntries("view_hidden")).some((e) => e.actor === "zhangsan"), 10_000, "blur audit");
  await a.context.close();
  await b.context.close();
});

test("PrintScreen blanks the view, posts the notice to both members and is audited", async () => {
  const { a, b } = await confidentialPair(NARROW);
  await a.page.locator(".watermark-overlay").waitFor({ state: "attached" });
  await a.page.keyboard.press("PrintScreen");
  const content = a.page.locator(".confidential-view__content");
  assert.equal(await content.evaluate((c) => getComputedStyle(c).visibility), "hidden");
  for (const member of [a, b]) {
    await member.chats.timeline().getByText("张三 may have taken a screenshot").waitFor({ timeout: 15_000 });
  }
  await eventually(async () => (await auditEntries("screenshot_suspected")).some((e) => e.actor === "zhangsan"), 10_000, "screenshot audit");
  await a.page.waitForFunction(() => getComputedStyle(document.querySelector(".confidential-view__content")).visibility === "visible");

  // The API refuses to forward a confidential message.
  const token = await tokenOf(a.page);
  const id = await conversationId(fixture.server.url, token, "李四");
  const { body: page } = await call(fixture.server.url, token, "GET", `/conversations/${id}/messages?limit=50`);
  const seq = page.messages.find((m) => m.text === "机密计划 secret plan").seq;
  const lunch = await conversationId(fixture.server.url, token, "午饭搭子 Lunch crew");
  const refused = await call(fixture.server.url, token, "POST", `/conversations/${id}/messages/${seq}/forward`, {
    to: [lunch],
    client_id: crypto.randomUUID(),
  });
  assert.equal(refused.status, 403);
  await a.context.close();
  await b.context.close();
});

test("a message with a lifetime disappears from both members' screens and from the server", async () => {
  const { a, b } = await confidentialPair();
  const token = await tokenOf(a.page);
  const id = await conversationId(fixture.server.url, token, "李四");
  const set = await call(fixture.server.url, token, "PUT", `/conversations/${id}/confidential`, {
    enabled: true,
    lifetime: { kind: "after_send", seconds: 5 },
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  await a.chats.send("会消失 vanishing");
  for (const member of [a, b]) await member.chats.timeline().getByText("会消失 vanishing").waitFor();
  await a.chats.timeline().getByText(/Disappears in \d:\d\d/).first().waitFor();
  for (const member of [a, b]) {
    await member.chats.timeline().getByText("会消失 vanishing").waitFor({ state: "detached", timeout: 15_000 });
  }
  const { body: page } = await call(fixture.server.url, token, "GET", `/conversations/${id}/messages?limit=50`);
  assert.equal(page.messages.filter((m) => m.text === "会消失 vanishing").length, 0);
  await call(fixture.server.url, token, "PUT", `/conversations/${id}/confidential`, { enabled: true, lifetime: null });
  await a.context.close();
  await b.context.close();
});

test("the decoder names the viewer from scaled, cropped and JPEG screenshots, and nobody from an ordinary view", async () => {
  const a = await signedIn(fixture, "zhangsan");
  await a.page.setViewportSize(WIDE);
  await a.chats.open("李四");
  await a.page.locator(".watermark-overlay").waitFor({ state: "attached" });
  await a.page.waitForTimeout(300);
  const shot = await a.page.screenshot();
  for (const variant of [{ factor: 0.5 }, { factor: 2 }, { quarter: true }, { factor: 1 }]) {
    const picture = await transformed(a.page, shot, variant);
    const found = await decode(picture, "image/jpeg");
    assert.equal(found.owner?.userid, "zhangsan", `${JSON.stringify(variant)}: ${JSON.stringify(found)}`);
  }
  await a.chats.open("研发部 Engineering");
  assert.equal(await a.page.locator(".watermark-overlay").count(), 0);
  const ordinary = await decode(await a.page.screenshot(), "image/png");
  assert.equal(ordinary.owner, null, JSON.stringify(ordinary));
  await a.context.close();
});

test("with no offline copy the raw IndexedDB records hold nothing of the conversation", async () => {
  const admin = await login(fixture.server.url, "admin");
  const policy = await call(fixture.server.url, admin.token, "PUT", "/admin/confidential-policy", {
    departments: [],
    offline_copy: false,
    default_lifetime: null,
  });
  assert.equal(policy.status, 200, JSON.stringify(policy.body));
  const a = await signedIn(fixture, "zhangsan");
  await a.chats.open("李四");
  await a.chats.send("不留副本 NOCOPY-LINE");
  await a.chats.timeline().getByText("不留副本 NOCOPY-LINE").waitFor();
  await a.page.locator(".message--pending").waitFor({ state: "detached" });
  const token = await tokenOf(a.page);
  const id = await conversationId(fixture.server.url, token, "李四");
  const rows = await a.page.evaluate(async () => {
    const lines = [];
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const keys = await new Promise((resolve) => {
          const request = db.transaction(store).objectStore(store).getAllKeys();
          request.onsuccess = () => resolve(request.result);
        });
        const values = await new Promise((resolve) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
        });
        keys.forEach((key, i) => lines.push(`${store} ${JSON.stringify(key)} ${JSON.stringify(values[i])}`));
      }
      db.close();
    }
    return lines;
  });
  assert.ok(rows.some((r) => r.startsWith("messages ")), "other conversations' messages are kept");
  const ofIt = rows.filter((r) => r.startsWith("messages ") && r.includes(id));
  assert.deepEqual(ofIt, [], "no message row of the confidential conversation");
  assert.ok(!rows.some((r) => r.includes("NOCOPY-LINE")), "its text is nowhere");
  // It still reads from the server after a reload.
  await a.page.reload();
  await a.chats.waitForList();
  await a.chats.open("李四");
  await a.chats.timeline().getByText("不留副本 NOCOPY-LINE").waitFor();
  await call(fixture.server.url, admin.token, "PUT", "/admin/confidential-policy", { departments: [], offline_copy: true, default_lifetime: null });
  await a.context.close();
});
