// Confidential chats as members and administrators meet them: marking a chat by its switch, the
// watermark naming each viewer in the DOM and in the pixels (and the decoder naming them again
// from scaled, cropped and JPEG copies of a real screenshot), tampering undone and audited,
// copy/print/forward/download refused, the view blurring when hidden, a PrintScreen announced
// and audited, "keep no offline copy" leaving nothing in the raw IndexedDB records, the view with
// the network cut, and a 30-second lifetime deleting a message on both screens and the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { useServerAndBrowser } from "./support/fixtures.js";
import { call, login } from "./support/api.js";
import { signInAs, adminToken, eventually, rawIndexedDb } from "./support/sessions.js";

const fixture = useServerAndBrowser();
const DESK = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 640 };
const OVERLAY = ".confidential-view .watermark-overlay";

/** The conversation id in the page's address (`/c/<id>`). */
function conversationOf(page) {
  return new URL(page.url()).pathname.split("/")[2];
}

/** Opens Chat info of the direct chat on screen and turns Confidential on (and a lifetime). */
async function markConfidential(session, title, lifetime) {
  const { page } = session;
  await session.chats.open(title);
  await page.getByRole("link", { name: "Chat info" }).click();
  const toggle = page.getByRole("switch", { name: "Confidential" });
  await toggle.check();
  await page.getByText("These protections deter and trace; they cannot prevent a photo.").waitFor();
  if (lifetime) {
    await page.getByLabel("Messages disappear").selectOption({ label: lifetime });
    await page.getByLabel("Messages disappear").and(page.locator(":not([disabled])")).waitFor();
  }
  await page.goBack();
  await page.getByRole("heading", { level: 2, name: title }).waitFor();
}

/** Makes `username`'s conversation titled `title` confidential through the API (kept if it is). */
async function ensureConfidential(username, title) {
  const { token } = await login(fixture.server.url, username);
  const { body: list } = await call(fixture.server.url, token, "GET", "/conversations");
  const conversation = list.find((c) => c.title === title);
  if (!conversation.confidential) {
    const reply = await call(fixture.server.url, token, "PUT", `/conversations/${conversation.id}/confidential`, { enabled: true });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  }
}

/** What the page's watermark overlay looks like now. */
function overlayState(page) {
  return page.evaluate((selector) => {
    const overlay = document.querySelector(selector);
    if (!overlay) return { present: false };
    const style = getComputedStyle(overlay);
    const view = overlay.parentElement.getBoundingClientRect();
    const centre = document.elementFromPoint(view.left + view.width / 2, view.top + view.height / 2);
    return {
      present: true,
      last: overlay.nextElementSibling === null,
      display: style.display,
      visibility: style.visibility,
      opacity: style.opacity,
      layers: (style.backgroundImage.match(/url\(/g) ?? []).length,
      label: overlay.dataset.watermark,
      uncovered: overlay.parentElement.contains(centre),
    };
  }, OVERLAY);
}

/** Waits until the overlay carries both layers (the visible text and the session's mark). */
async function waitForMark(page) {
  await page.waitForFunction((selector) => {
    const overlay = document.querySelector(selector);
    return overlay && (getComputedStyle(overlay).backgroundImage.match(/url\(/g) ?? []).length === 2;
  }, OVERLAY);
}

/** Who the server's decoder finds in a picture (`null`: nobody). */
async function decode(token, picture, type = "image/png") {
  const reply = await fetch(`${fixture.server.url}/api/v1/admin/watermark/decode`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": type },
    body: picture,
  });
  assert.equal(reply.status, 200, await reply.clone().text());
  return (await reply.json()).owner;
}

/**
 * A copy of a PNG made in a scratch Chromium page: cropped to `crop` (fractions of the
 * picture), scaled by `scale`, saved as JPEG at `jpeg` quality or as PNG.
 */
async function transformed(scratch, png, { crop = [0, 0, 1, 1], scale = 1, jpeg = null }) {
  const base64 = await scratch.evaluate(
    async ({ data, crop, scale, jpeg }) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
      const [x, y, w, h] = [crop[0] * bitmap.width, crop[1] * bitmap.height, crop[2] * bitmap.width, crop[3] * bitmap.height];
      const canvas = new OffscreenCanvas(Math.round(w * scale), Math.round(h * scale));
      const context = canvas.getContext("2d");
      context.imageSmoothingQuality = "high";
      context.drawImage(bitmap, x, y, w, h, 0, 0, canvas.width, canvas.height);
      const blob = await canvas.convertToBlob(jpeg ? { type: "image/jpeg", quality: jpeg } : { type: "image/png" });
      const out = new Uint8Array(await blob.arrayBuffer());
      let text = "";
      for (const byte of out) text += String.fromCharCode(byte);
      return btoa(text);
    },
    { data: png.toString("base64"), crop, scale, jpeg },
  );
  return Buffer.from(base64, "base64");
}

/** Audit entries of `action` about `target`, newest first. */
async function audited(token, action, target) {
  const { status, body } = await call(fixture.server.url, token, "GET", `/admin/audit?action=${action}&target=${target}`);
  assert.equal(status, 200);
  return body.entries;
}


test("at 1280×800: 张三 marks the chat with 李四 confidential; both see the lock, and the watermark names each viewer in the DOM and in the pixels", async () => {
  const admin = await adminToken(fixture.server.url);
  const zhang = await signInAs(fixture, "zhangsan", { contextOptions: { viewport: DESK } });
  const li = await signInAs(fixture, "lisi", { contextOptions: { viewport: DESK } });
  const scratch = await fixture.browser.newPage();

  // Before: a plain chat carries no mark, and a screenshot of it names nobody.
  await zhang.chats.open("李四");
  assert.equal(await zhang.page.locator(OVERLAY).count(), 0);
  assert.equal(await decode(admin, await zhang.page.screenshot()), null, "a plain view names nobody");

  await markConfidential(zhang, "李四");
  const lock = "Confidential chat: watermarked, no copying, forwarding or downloads";
  await zhang.page.locator(".conversation__header").getByRole("img", { name: lock }).waitFor();
  await li.chats.conversation("张三").getByRole("img", { name: lock }).waitFor({ timeout: 10_000 });
  await zhang.page.getByText("张三 made this chat confidential").waitFor({ timeout: 10_000 });
  await li.chats.open("张三");
  await li.page.locator(".conversation__header").getByText("保密 Confidential").waitFor();

  for (const [session, name, userid] of [[zhang, "张三", "zhangsan"], [li, "李四", "lisi"]]) {
    await waitForMark(session.page);
    const state = await overlayState(session.page);
    assert.ok(state.present && state.last && state.uncovered, `${userid}: the overlay is on top`);
    assert.equal(state.display, "block");
    assert.equal(state.opacity, "1");
    assert.match(state.label, new RegExp(`^${name} · ${userid} · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d · [0-9a-f]{8}$`));
    const shot = await session.page.screenshot();
    const owner = await decode(admin, shot);
    assert.equal(owner?.userid, userid, `the screenshot names ${userid}`);
    assert.equal(owner.name, name);
  }

  // The decoder from copies of 张三's screenshot: scaled 50 % and 200 %, a quarter of the view,
  // JPEG at quality 70, and all three at once.
  const shot = await zhang.page.screenshot();
  const view = await zhang.page.locator(".confidential-view").boundingBox();
  const quarter = [view.x / DESK.width, view.y / DESK.height, view.width / 2 / DESK.width, view.height / 2 / DESK.height];
  for (const [what, options, type] of [
    ["50 %", { scale: 0.5 }, "image/png"],
    ["200 %", { scale: 2 }, "image/png"],
    ["a quarter of the view", { crop: quarter }, "image/png"],
    ["JPEG 70", { jpeg: 0.7 }, "image/jpeg"],
    ["a quarter at 75 % as JPEG 70", { crop: quarter, scale: 0.75, jpeg: 0.7 }, "image/jpeg"],
  ]) {
    const owner = await decode(admin, await transformed(scratch, shot, options), type);
    assert.equal(owner?.userid, "zhangsan", `${what}: names 张三`);
  }
  assert.deepEqual(zhang.errors, [], "no CSP violation or error on 张三's page");
  assert.deepEqual(li.errors, []);
  await scratch.close();
  await zhang.context.close();
  await li.context.close();
});

test("removing, hiding, restyling or covering the watermark is undone within 100 ms and audited", async () => {
  const admin = await adminToken(fixture.server.url);
  await ensureConfidential("zhangsan", "李四");
  const zhang = await signInAs(fixture, "zhangsan", { contextOptions: { viewport: DESK } });
  await zhang.chats.open("李四");
  await waitForMark(zhang.page);
  const conversation = conversationOf(zhang.page);
  const tampering = {
    "delete the node": (o) => o.remove(),
    "display:none": (o) => o.style.setProperty("display", "none", "important"),
    "opacity:0": (o) => o.style.setProperty("opacity", "0", "important"),
    "a class of another name": (o) => o.setAttribute("class", "nothing"),
    "a covering element": () => {
      const cover = document.createElement("div");
      cover.id = "cover";
      cover.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:#fff";
      document.body.append(cover);
    },
    "a stylesheet rule": () => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(".watermark-overlay { display: none !important; opacity: 0 !important; background: none !important; }");
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    },
  };
  for (const [what, tamper] of Object.entries(tampering)) {
    await zhang.page.evaluate(`(${tamper})(document.querySelector(${JSON.stringify(OVERLAY)}))`);
    await zhang.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    const state = await overlayState(zhang.page);
    assert.ok(state.present && state.last, `${what}: the overlay is back on top`);
    assert.equal(state.display, "block", what);
    assert.equal(state.visibility, "visible", what);
    assert.equal(state.opacity, "1", what);
    assert.equal(state.layers, 2, `${what}: both layers`);
    assert.ok(state.uncovered, `${what}: nothing lies over the view`);
  }
  const entries = await eventually(async () => {
    const found = await audited(admin, "watermark_tampered", conversation);
    return found.length > 0 && found;
  }, 10_000, "the tampering in the audit log");
  assert.equal(entries[0].actor, "zhangsan");
  assert.ok(entries[0].detail.detail.length > 0, "what was seen is recorded");
  await zhang.context.close();
});

test("copying leaves the clipboard empty, there is no Forward or Download, print shows a notice, the view blurs when hidden until Show, and search shows no text", async () => {
  const admin = await adminToken(fixture.server.url);
  await ensureConfidential("zhangsan", "李四");
  const zhang = await signInAs(fixture, "zhangsan", { contextOptions: { viewport: DESK } });
  await zhang.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: fixture.server.url });
  const { page, chats } = zhang;
  const selectAndCopy = async (text) => {
    await page.evaluate(() => navigator.clipboard.writeText("before"));
    await chats.timeline().getByText(text).evaluate((node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    });
    await page.keyboard.press("Control+C");
    return page.evaluate(() => navigator.clipboard.readText());
  };

  // A plain group: copying works and messages offer Forward (what the confidential chat refuses).
  await chats.open("研发部 Engineering");
  const plain = "前端也准备好了。Frontend is ready too.";
  assert.equal(await selectAndCopy(plain), plain);
  assert.ok((await chats.timeline().getByRole("button", { name: "Forward" }).count()) > 0);

  await chats.open("李四");
  await waitForMark(page);
  const conversation = conversationOf(page);
  const secret = `机密报价 secret quote ${Date.now()}`;
  await chats.send(secret);
  await chats.timeline().locator(".message:not(.message--pending)", { hasText: secret }).waitFor();
  assert.equal(await selectAndCopy(secret), "", "the clipboard holds nothing");
  await eventually(async () => (await audited(admin, "copy_attempted", conversation)).length > 0, 10_000, "the copy audited");
  assert.equal(await chats.timeline().getByRole("button", { name: /Forward|转发/ }).count(), 0);
  assert.equal(await chats.timeline().getByRole("link", { name: /Download|下载/ }).count(), 0);
  assert.equal(await chats.timeline().getByRole("button", { name: /Download|下载/ }).count(), 0);

  // Print: no message text, the notice instead.
  await page.emulateMedia({ media: "print" });
  assert.equal(await chats.timeline().getByText(secret).isVisible(), false);
  assert.ok(!(await page.locator("body").innerText()).includes(secret), "no message text when printed");
  await page.getByText("Confidential chats cannot be printed.").waitFor();
  await page.emulateMedia({ media: "screen" });
  await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  await eventually(async () => (await audited(admin, "print_attempted", conversation)).length > 0, 10_000, "the print audited");

  // The page hidden: the content blurs and stays blurred until "Show".
  const content = page.locator(".confidential-view__content");
  assert.equal(await content.evaluate((e) => getComputedStyle(e).filter), "none");
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
    delete document.hidden;
    delete document.visibilityState;
  });
  await page.getByText("Hidden while the window was not in front.").waitFor();
  assert.match(await content.evaluate((e) => getComputedStyle(e).filter), /blur/);
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  assert.match(await content.evaluate((e) => getComputedStyle(e).filter), /blur/, "still blurred on return");
  await page.getByRole("button", { name: "Show" }).click();
  assert.equal(await content.evaluate((e) => getComputedStyle(e).filter), "none");
  await eventually(async () => (await audited(admin, "view_hidden", conversation)).length > 0, 10_000, "the blur audited");

  // Search finds the message but shows its text only inside the watermarked view.
  await page.getByRole("link", { name: "Search", exact: true }).click();
  await page.getByRole("searchbox", { name: "Search messages" }).fill("secret quote");
  const results = page.getByRole("list", { name: "Search messages" });
  await results.getByText("[Confidential message]").waitFor();
  assert.ok(!(await results.innerText()).includes(secret), "no confidential text in the results");
  assert.deepEqual(zhang.errors, []);
  await zhang.context.close();
});

test("a PrintScreen blanks the view, posts the notice both members see and an audit entry; forwarding through the API is refused", async () => {
  const admin = await adminToken(fixture.server.url);
  await ensureConfidential("zhangsan", "李四");
  const zhang = await signInAs(fixture, "zhangsan", { contextOptions: { viewport: DESK } });
  const li = await signInAs(fixture, "lisi", { contextOptions: { viewport: PHONE } });
  await zhang.chats.open("李四");
  await li.chats.open("张三");
  await waitForMark(zhang.page);
  const conversation = conversationOf(zhang.page);

  await zhang.page.keyboard.press("PrintScreen");
  assert.equal(await zhang.page.locator(".confidential-view__content").evaluate((e) => getComputedStyle(e).visibility), "hidden", "blanked");
  for (const session of [zhang, li]) {
    await session.chats.timeline().getByText("张三 may have taken a screenshot").first().waitFor({ timeout: 10_000 });
  }
  await zhang.page.waitForFunction(() => getComputedStyle(document.querySelector(".confidential-view__content")).visibility === "visible");
  const entries = await eventually(async () => {
    const found = await audited(admin, "screenshot_suspected", conversation);
    return found.length > 0 && found;
  }, 10_000, "the screenshot audited");
  assert.equal(entries[0].actor, "zhangsan");

  // Forwarding a confidential message through the API: 403, nothing arrives, and it is audited.
  const token = JSON.parse(await zhang.page.evaluate(() => localStorage.getItem("weft.session"))).token;
  const { body: list } = await call(fixture.server.url, token, "GET", "/conversations");
  const engineering = list.find((c) => c.title === "研发部 Engineering").id;
  const { body: history } = await call(fixture.server.url, token, "GET", `/conversations/${conversation}/messages?limit=50`);
  const message = history.messages.find((m) => m.text);
  const refused = await call(fixture.server.url, token, "POST", `/conversations/${conversation}/messages/${message.seq}/forward`, {
    to: [engineering],
    client_id: randomUUID(),
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, "forbidden");
  assert.match(JSON.stringify(refused.body.reason), /confidential/);
  assert.ok(refused.body.message.length > 0);
  assert.equal((await audited(admin, "forward_refused", conversation)).length, 1);
  await zhang.context.close();
  await li.context.close();
});

test("at 360×640: with “keep no offline copy” the raw IndexedDB records hold nothing of the chat; with the network cut the view stays marked, copying stays blocked and is audited once back", async () => {
  const admin = await adminToken(fixture.server.url);
  await ensureConfidential("zhangsan", "李四");
  const policy = (await call(fixture.server.url, admin, "GET", "/admin/confidential-policy")).body;
  assert.equal((await call(fixture.server.url, admin, "PUT", "/admin/confidential-policy", { ...policy, offline_copy: false })).status, 200);

  const li = await signInAs(fixture, "lisi", { contextOptions: { viewport: PHONE } });
  await li.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: fixture.server.url });
  const { page, chats } = li;
  // A plain chat first, so its rows show the scan sees what the device keeps.
  await chats.open("午饭搭子 Lunch crew");
  await chats.timeline().getByText("中午吃什么？What's for lunch?").waitFor();
  const lunch = conversationOf(page);
  await page.getByRole("link", { name: "Back" }).click();
  await chats.open("张三");
  const conversation = conversationOf(page);
  const secret = `不留副本 no copy ${Date.now()}`;
  await chats.send(secret);
  await chats.timeline().locator(".message:not(.message--pending)", { hasText: secret }).waitFor();
  await waitForMark(page);

  await eventually(async () => (await rawIndexedDb(page)).includes(`"${lunch}:`), 10_000, "the plain chat's rows on the device");
  const raw = await rawIndexedDb(page);
  assert.ok(!raw.includes(`"${conversation}:`), "no message row of the confidential chat");
  assert.ok(!raw.includes(secret) && !raw.includes("需求文档更新了"), "none of its text");

  // The network cut: the view keeps its watermark (the mark kept from before) and its guards.
  await li.context.setOffline(true);
  // A phone's conversation fills the screen (no top bar): the offline banner says it.
  await page.getByRole("status").filter({ hasText: "You are offline" }).waitFor();
  await page.evaluate((selector) => document.querySelector(selector).remove(), OVERLAY);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
  const state = await overlayState(page);
  assert.ok(state.present && state.layers === 2 && state.label.startsWith("李四 · lisi"), "marked offline");
  await page.evaluate(() => navigator.clipboard.writeText("before"));
  await chats.timeline().getByText(secret).evaluate((node) => getSelection().selectAllChildren(node));
  await page.keyboard.press("Control+C");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "");
  assert.ok(!(await rawIndexedDb(page)).includes(`"${conversation}:`), "still nothing on the device");

  // Back online, the copy tried offline reaches the audit log.
  await li.context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  // The socket that lived through the outage is replaced: the banner goes, and the connection
  // state (shown in the top bar outside a phone's conversation) is online again.
  await page.getByRole("status").filter({ hasText: "You are offline" }).waitFor({ state: "detached", timeout: 15_000 });
  await page.locator("[data-testid=connection][data-state=online]").waitFor({ state: "attached", timeout: 15_000 });
  const offlineCopy = await eventually(async () => {
    const found = await audited(admin, "copy_attempted", conversation);
    return found.find((e) => e.actor === "lisi" && /offline/.test(e.detail.detail));
  }, 10_000, "the offline copy audited");
  assert.match(offlineCopy.detail.detail, /^copy or cut \(offline, once, first at \d{4}-\d\d-\d\d \d\d:\d\d\)$/);

  assert.equal((await call(fixture.server.url, admin, "PUT", "/admin/confidential-policy", policy)).status, 200);
  await li.context.close();
});

test("a message with a 30-second lifetime after reading disappears from both members' screens and from the server", async () => {
  const zhang = await signInAs(fixture, "zhangsan", { contextOptions: { viewport: DESK } });
  const wang = await signInAs(fixture, "wangwu", { contextOptions: { viewport: PHONE } });
  await markConfidential(zhang, "王五", "30 s after reading");
  const conversation = conversationOf(zhang.page);
  const secret = `阅后即焚 burn after reading ${Date.now()}`;
  await zhang.chats.send(secret);
  const mine = zhang.chats.timeline().locator(".message:not(.message--pending)", { hasText: secret });
  await mine.waitFor();

  await wang.chats.open("张三");
  const theirs = wang.chats.timeline().locator(".message", { hasText: secret });
  await theirs.getByText(/Disappears in 0:[0-3]\d/).waitFor({ timeout: 10_000 });
  const read = Date.now();
  await theirs.waitFor({ state: "detached", timeout: 45_000 });
  await mine.waitFor({ state: "detached", timeout: 10_000 });
  assert.ok(Date.now() - read > 20_000, "not before its time");

  const token = JSON.parse(await zhang.page.evaluate(() => localStorage.getItem("weft.session"))).token;
  // The server sweeps once a second.
  await eventually(async () => {
    const { body } = await call(fixture.server.url, token, "GET", `/conversations/${conversation}/messages?limit=100`);
    return !body.messages.some((m) => m.text === secret);
  }, 5_000, "the message gone from the server");
  await zhang.context.close();
  await wang.context.close();
});
