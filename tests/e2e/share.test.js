// Share into Weft (Web Share Target) as a phone's share sheet does it: the manifest names the
// target, the sheet POSTs the shared words and files to it as multipart form data, the app's
// service worker keeps them on the device (here with the network cut), and the Share screen
// offers the member's chats. Send queues the picture and the words in the outbox; they arrive
// exactly once when the network returns. Bad input (an oversize file, no chat chosen) is said
// next to its field and nothing is lost; Discard forgets a share; signing out wipes waiting ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { SignInPage, ChatsPage } from "./support/pages.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** A phone-sized member, signed in, whose page the service worker controls. */
async function phoneMember(username) {
  const context = await fixture.browser.newContext({ locale: "en-US", viewport: { width: 360, height: 640 }, hasTouch: true });
  const page = await context.newPage();
  const signIn = new SignInPage(page, fixture.server.url);
  await signIn.open();
  await signIn.signIn(username);
  const chats = new ChatsPage(page, fixture.server.url);
  await chats.waitForList();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return { context, page, chats };
}

/** What the system share sheet does: POST the shared words and files to the manifest's target. */
async function shareFromAnotherApp(page, { title = "", text = "", url = "", files = [] }) {
  await page.evaluate(
    ({ title, text, url }) => {
      const form = document.createElement("form");
      form.id = "share-sheet";
      form.method = "post";
      form.enctype = "multipart/form-data";
      form.action = "/share-target";
      for (const [name, value] of Object.entries({ title, text, url })) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
      }
      const input = document.createElement("input");
      input.type = "file";
      input.name = "files";
      input.multiple = true;
      form.append(input);
      document.body.append(form);
    },
    { title, text, url },
  );
  if (files.length) await page.locator("#share-sheet input[type=file]").setInputFiles(files);
  await page.evaluate(() => document.getElementById("share-sheet").submit());
  await page.waitForURL(/\/share\?id=[a-z0-9-]+$/);
  await page.getByRole("heading", { name: "Share to a chat" }).waitFor();
}

async function waitingShares(page) {
  return page.evaluate(async () => (await (await caches.open("weft-share")).keys()).length);
}

test("the manifest offers Weft as a share target Chromium accepts", async () => {
  const { context, page } = await phoneMember("wangwu");
  const manifest = await (await page.request.get(`${fixture.server.url}/manifest.webmanifest`)).json();
  assert.equal(manifest.share_target.action, "/share-target");
  assert.equal(manifest.share_target.method, "POST");
  assert.equal(manifest.share_target.enctype, "multipart/form-data");
  const files = manifest.share_target.params.files;
  assert.equal(files[0].name, "files");
  assert.ok(files[0].accept.includes("image/*"));
  const cdp = await context.newCDPSession(page);
  const { errors } = await cdp.send("Page.getAppManifest");
  assert.deepEqual(errors, [], "Chromium parsed the manifest without errors");
  await context.close();
});

test("a photo and words shared offline land in the chosen chat exactly once", async () => {
  const a = await phoneMember("zhangsan");
  const b = await signedIn(fixture, "lisi");
  await b.chats.open("张三");

  await a.context.setOffline(true);
  await a.chats.connection().and(a.page.locator("[data-state=offline]")).waitFor();
  await shareFromAnotherApp(a.page, {
    title: "团建合影 Team photo",
    text: "周末的照片 Photos from the weekend https://example.com/album/7",
    url: "https://example.com/album/7",
    files: [
      { name: "合影 team.png", mimeType: "image/png", buffer: PNG },
      { name: "huge.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(10 * 1024 * 1024 + 1) },
    ],
  });
  assert.equal(await waitingShares(a.page), 3, "the words and both files are kept on the device");

  // The words become the message (the link, already in the text, once), ready to edit.
  const note = a.page.getByLabel("Message with it");
  assert.equal(await note.inputValue(), "团建合影 Team photo\n周末的照片 Photos from the weekend https://example.com/album/7");
  await a.page.getByText("You are offline: it is sent as soon as the connection returns.").waitFor();
  // The oversize file is refused next to it, and Send waits until it is removed.
  await a.page.getByText("The file is too large (at most 10 MB).").waitFor();
  const send = a.page.getByRole("button", { name: "Send", exact: true });
  assert.equal(await send.isDisabled(), true);
  await a.page.getByRole("button", { name: "Remove huge.bin" }).click();
  assert.equal(await send.isDisabled(), false);
  // No chat chosen yet: said next to the list, nothing sent.
  await send.click();
  await a.page.getByText("Choose the chat to send to.").waitFor();
  assert.match(a.page.url(), /\/share\?id=/);

  await a.page.getByLabel("Find a chat").fill("李四");
  assert.equal(await a.page.getByRole("radio").count(), 1, "the search narrows the chats");
  await a.page.getByRole("radio", { name: "李四" }).check();
  await note.fill("团建合影 Team photo 🎉");
  await send.click();
  await a.page.waitForURL(/\/c\/[0-9a-f-]+$/);
  await a.page.getByRole("heading", { level: 2, name: "李四" }).waitFor();
  await a.page.locator("[data-pending=true]").nth(1).waitFor();
  assert.equal(await waitingShares(a.page), 0, "a sent share leaves the device's share inbox");

  await a.context.setOffline(false);
  await a.page.evaluate(() => window.dispatchEvent(new Event("online")));
  await a.page.locator("[data-pending=true]").first().waitFor({ state: "detached", timeout: 20_000 });
  await b.chats.timeline().getByRole("img", { name: "合影 team.png" }).waitFor({ timeout: 15_000 });
  await b.chats.timeline().getByText("团建合影 Team photo 🎉").waitFor({ timeout: 15_000 });

  const { token } = await login(fixture.server.url, "lisi");
  const list = (await call(fixture.server.url, token, "GET", "/conversations")).body;
  const direct = list.find((c) => c.title === "张三");
  const history = (await call(fixture.server.url, token, "GET", `/conversations/${direct.id}/messages?limit=200`)).body.messages;
  assert.equal(history.filter((m) => m.attachment?.file_name === "合影 team.png").length, 1, "the picture once");
  assert.equal(history.filter((m) => m.text === "团建合影 Team photo 🎉").length, 1, "the words once");
  assert.equal(history.filter((m) => m.attachment?.file_name === "huge.bin").length, 0, "the removed file never");
  const picture = history.findIndex((m) => m.attachment?.file_name === "合影 team.png");
  const words = history.findIndex((m) => m.text === "团建合影 Team photo 🎉");
  assert.ok(picture < words, "the picture first, then the words");
  await a.context.close();
  await b.context.close();
});

test("a share can be discarded, an empty Share screen says so, and signing out wipes waiting shares", async () => {
  const a = await phoneMember("zhaoliu");
  await shareFromAnotherApp(a.page, { text: "<img src=x onerror=alert(1)> 不要 discard me" });
  // Shared markup is text, never markup.
  assert.equal(await a.page.getByLabel("Message with it").inputValue(), "<img src=x onerror=alert(1)> 不要 discard me");
  assert.equal(await a.page.locator("img[src=x]").count(), 0);
  await a.page.getByRole("button", { name: "Discard" }).click();
  await a.page.waitForURL(/\/$/);
  assert.equal(await waitingShares(a.page), 0);
  await a.page.goto(`${fixture.server.url}/share`);
  await a.page.getByText("Nothing is waiting to be shared.", { exact: false }).waitFor();
  // A share that reached the server (no service worker yet) is said not to have arrived.
  await a.page.goto(`${fixture.server.url}/share?error=unavailable`);
  await a.page.getByRole("alert").filter({ hasText: "did not reach this device" }).waitFor();

  await a.page.goto(`${fixture.server.url}/`);
  await a.chats.waitForList();
  await shareFromAnotherApp(a.page, { text: "留着 kept", files: [{ name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("hello") }] });
  assert.equal(await waitingShares(a.page), 2);
  await a.page.getByRole("button", { name: "Sign out" }).click();
  await a.page.getByLabel("Username").waitFor();
  await a.page.waitForFunction(async () => (await caches.keys()).every((name) => name.startsWith("weft-shell-")));
  await a.context.close();
});

test("shared while signed out on one's own phone, it waits through signing in and opens the Share screen", async () => {
  const context = await fixture.browser.newContext({ locale: "en-US", viewport: { width: 360, height: 640 }, hasTouch: true });
  const page = await context.newPage();
  const signIn = new SignInPage(page, fixture.server.url);
  await signIn.open();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // The share sheet posts while nobody is signed in: the worker keeps it, the app asks to sign in.
  await page.evaluate(() => {
    const form = document.createElement("form");
    Object.assign(form, { id: "share-sheet", method: "post", enctype: "multipart/form-data", action: "/share-target" });
    const text = Object.assign(document.createElement("input"), { type: "hidden", name: "text", value: "登录后分享 shared before signing in" });
    form.append(text);
    document.body.append(form);
    form.submit();
  });
  await page.getByLabel("Username").waitFor();
  assert.equal(await waitingShares(page), 1);
  await signIn.signIn("yangfan");
  await page.waitForURL(/\/share\?id=[a-z0-9-]+$/);
  assert.equal(await page.getByLabel("Message with it").inputValue(), "登录后分享 shared before signing in");
  await page.getByRole("button", { name: "Discard" }).click();
  await page.waitForURL(/\/$/);
  await context.close();
});
