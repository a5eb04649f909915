// Web Push end to end, offline. The server encrypts (RFC 8291) and signs (VAPID, RFC 8292) a
// push for a real message and POSTs it to a subscription this test registers at a receiver on
// loopback, which checks the signature and decrypts with node:crypto; muted chats send nothing,
// an @mention does. The decrypted payload is then delivered to the app's service worker through
// Chromium's DevTools protocol (ServiceWorker.deliverPushMessage): with the app open it shows an
// in-app banner, with no window it shows a system notification grouped per conversation, whose
// click takes the app to the conversation; the badge is set to the unread count. The settings
// page says "Push unavailable" when the browser's push service never answers (as here).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";
import { launchPersistent } from "./support/browser.js";
import { useServerAndBrowser } from "./support/fixtures.js";
import { SignInPage, ChatsPage } from "./support/pages.js";
import { login, call } from "./support/api.js";
import { eventually } from "./support/sessions.js";

// The server accepts http:// push endpoints on loopback only with this (tests only).
process.env.WEFT_PUSH_ALLOW_LOOPBACK = "1";
// Persistent: notifications and push need a real profile.
const fixture = useServerAndBrowser({ launch: launchPersistent });

/** A push service stand-in: keeps every POST (path, headers, body) and answers 201. */
const received = [];
let receiver;
let receiverUrl;
before(async () => {
  receiver = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ path: request.url, headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(201).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}`;
});
after(() => receiver?.close());

/** A device's subscription keys, as a browser makes them. */
function device(name) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const endpoint = `${receiverUrl}/push/${name}`;
  return {
    ecdh,
    auth,
    endpoint,
    subscription: { endpoint, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") } },
  };
}

/** RFC 8291 decryption: header (salt, record size, sender key), HKDF from ECDH and auth, AES-128-GCM. */
function decrypt(dev, body) {
  const salt = body.subarray(0, 16);
  const idLength = body[20];
  const senderKey = body.subarray(21, 21 + idLength);
  const sealed = body.subarray(21 + idLength);
  const shared = dev.ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), dev.ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, dev.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  assert.equal(plain[end - 1], 2, "the last record ends with the 0x02 delimiter");
  return plain.subarray(0, end - 1).toString("utf8");
}

/** Checks the VAPID header as a push service would. */
function checkVapid(headers, serverKey) {
  assert.equal(headers["content-encoding"], "aes128gcm");
  assert.ok(Number(headers.ttl) > 0);
  const params = Object.fromEntries(
    /^vapid\s+(.*)$/i.exec(headers.authorization)[1].split(",").map((p) => p.trim().split(/=(.*)/s).slice(0, 2)),
  );
  assert.equal(params.k, serverKey, "signed with the key the app subscribes with");
  const [header, claims, signature] = params.t.split(".");
  const raw = Buffer.from(params.k, "base64url");
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") },
    format: "jwk",
  });
  assert.ok(verify("sha256", Buffer.from(`${header}.${claims}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url")));
  const body = JSON.parse(Buffer.from(claims, "base64url").toString());
  assert.ok([receiverUrl, "http://127.0.0.1"].includes(body.aud), body.aud);
  const now = Date.now() / 1000;
  assert.ok(body.exp > now && body.exp <= now + 86_400);
}

async function nextPush(name, index) {
  return eventually(() => received.filter((r) => r.path === `/push/${name}`)[index], 10_000, `push ${index} to ${name}`);
}

async function conversationId(token, title) {
  const { body } = await call(fixture.server.url, token, "GET", "/conversations");
  return body.find((c) => c.title.includes(title)).id;
}

async function send(token, conversation, text, mentions = []) {
  const reply = await call(fixture.server.url, token, "POST", `/conversations/${conversation}/messages`, {
    client_id: crypto.randomUUID(),
    text,
    mentions,
  });
  assert.ok(reply.status < 300, JSON.stringify(reply.body));
}

/** The app's registration id, for ServiceWorker.deliverPushMessage. */
async function registrationId(cdp, origin) {
  const registrations = new Map();
  cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations: list }) => {
    for (const r of list) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
  });
  await cdp.send("ServiceWorker.enable");
  return eventually(() => registrations.get(`${origin}/`), 10_000, "the service worker registration");
}

test("a real message's push decrypts to its content, muted chats stay silent, @mentions push, and the service worker notifies, badges and opens the conversation", async () => {
  const url = fixture.server.url;
  const context = fixture.browser;
  await context.grantPermissions(["notifications"], { origin: url });
  const zhangsan = (await login(url, "zhangsan")).token;
  const lisi = await login(url, "lisi");
  const { body: key } = await call(url, lisi.token, "GET", "/push/key");
  const phone = device("lisi-phone");
  assert.equal((await call(url, lisi.token, "PUT", "/push/subscription", phone.subscription)).status, 204);

  // A direct message: the payload names the sender and carries the text and the conversation.
  const direct = await conversationId(zhangsan, "李四");
  await send(zhangsan, direct, "明天十点开会 Meeting at 10");
  const first = await nextPush("lisi-phone", 0);
  checkVapid(first.headers, key.public_key);
  const message = JSON.parse(decrypt(phone, first.body));
  assert.equal(message.kind, "message");
  assert.equal(message.title, "张三");
  assert.equal(message.body, "明天十点开会 Meeting at 10");
  assert.equal(message.url, `/c/${direct}`);
  const { body: list } = await call(url, lisi.token, "GET", "/conversations");
  assert.equal(message.unread, list.reduce((sum, c) => sum + c.unread, 0), "the badge count is the unread total");

  // Muted: nothing; an @mention in the same muted chat: a push.
  const lunch = await conversationId(lisi.token, "Lunch");
  assert.ok((await call(url, lisi.token, "PUT", `/conversations/${lunch}/prefs`, { muted: true, pinned: false })).status < 300);
  await send(zhangsan, lunch, "muted chatter");
  await send(zhangsan, lunch, "@李四 你来吗？", [lisi.me.id]);
  const second = await nextPush("lisi-phone", 1);
  const mention = JSON.parse(decrypt(phone, second.body));
  assert.equal(mention.kind, "mention", "the muted message pushed nothing");
  assert.equal(mention.title, "张三 mentioned you · 提到了你");
  assert.equal(mention.tag, `conversation:${lunch}`);
  assert.equal(received.length, 2);

  // The app, signed in as lisi, with its service worker.
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  const signIn = new SignInPage(page, url);
  await signIn.open();
  await signIn.signIn("lisi");
  await new ChatsPage(page, url).waitForList();
  await page.evaluate(() => navigator.serviceWorker.ready);
  const worker = context.serviceWorkers().find((w) => w.url().startsWith(url)) ?? (await context.waitForEvent("serviceworker"));
  const cdp = await context.newCDPSession(page);
  const registration = await registrationId(cdp, url);
  const spyOnBadge = () =>
    worker.evaluate(() => {
      self.__badges = [];
      const original = self.navigator.setAppBadge.bind(self.navigator);
      self.navigator.setAppBadge = (n) => (self.__badges.push(n), original(n));
    });
  await spyOnBadge();

  // App open and visible: an in-app banner, no system notification; the badge shows the count.
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: url, registrationId: registration, data: JSON.stringify(message) });
  const banner = page.getByRole("region", { name: "New notifications" }).getByRole("link", { name: /张三/ });
  await banner.waitFor();
  assert.match(await banner.textContent(), /Meeting at 10/);
  assert.deepEqual(await worker.evaluate(() => self.__badges), [message.unread]);
  assert.equal(await worker.evaluate(async () => (await self.registration.getNotifications()).length), 0);

  // No window of the app: a system notification, one per conversation (tag), re-alerting.
  await page.goto("about:blank");
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: url, registrationId: registration, data: JSON.stringify(mention) });
  const shown = await eventually(
    () => worker.evaluate(async () => (await self.registration.getNotifications()).map(({ title, body, tag, data }) => ({ title, body, tag, data }))).then((n) => n.length && n),
    10_000,
    "the system notification",
  );
  assert.deepEqual(shown, [{ title: mention.title, body: mention.body, tag: `conversation:${lunch}`, data: { url: `/c/${lunch}`, kind: "mention" } }]);

  // Its click, with the app open again, takes the app to the conversation.
  await page.goto(`${url}/`);
  await new ChatsPage(page, url).waitForList();
  const left = await worker.evaluate(async (tag) => {
    const [notification] = await self.registration.getNotifications({ tag });
    const pending = [];
    const event = new Event("notificationclick");
    Object.assign(event, { notification, action: "", waitUntil: (p) => pending.push(p) });
    self.dispatchEvent(event);
    await Promise.all(pending);
    return (await self.registration.getNotifications()).length;
  }, `conversation:${lunch}`);
  assert.equal(left, 0, "the click closes the notification");
  await page.waitForURL(`${url}/c/${lunch}`);
  await page.getByRole("heading", { level: 2, name: /Lunch/ }).waitFor();
  await page.close();
});

test("notification settings: push unavailable when the push service never answers, mentions through mute and quiet hours saved", async () => {
  const url = fixture.server.url;
  const context = fixture.browser;
  await context.grantPermissions(["notifications"], { origin: url });
  for (const viewport of [{ width: 360, height: 640 }, { width: 1280, height: 800 }]) {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(`${url}/sign-in`);
    if (await page.getByLabel("Username").isVisible().catch(() => false)) {
      await new SignInPage(page, url).signIn("lisi");
    }
    await new ChatsPage(page, url).waitForList();
    await page.goto(`${url}/me`);
    const section = page.getByRole("region", { name: "Notifications" });
    await section.getByRole("heading", { name: "Notifications" }).waitFor();
    const mentions = section.getByLabel("@mentions notify me in muted chats");
    await assert.doesNotReject(() => mentions.waitFor());
    const noOverflow = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(noOverflow, `no horizontal overflow at ${viewport.width}px`);
    await page.close();
  }

  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${url}/me`);
  const section = page.getByRole("region", { name: "Notifications" });
  const push = section.getByLabel("Push notifications on this device");
  await assert.doesNotReject(() => section.getByText("Push is off for this device.").waitFor());
  await push.click();
  // Offline Chromium never settles PushManager.subscribe: the app gives up and says so.
  await section.getByText("Push unavailable: this browser's push service did not answer.").waitFor({ timeout: 20_000 });
  assert.equal(await push.isChecked(), false);

  const token = (await login(url, "lisi")).token;
  const mentions = section.getByLabel("@mentions notify me in muted chats");
  await eventually(() => mentions.isEnabled(), 10_000, "settings loaded");
  assert.equal(await mentions.isChecked(), true, "on unless the member turns it off");
  await mentions.uncheck();
  await section.getByText("Saved.").waitFor();
  assert.equal((await call(url, token, "GET", "/push/settings")).body.mentions_break_mute, false);

  await section.getByLabel("Quiet hours (no pushes)").check();
  await section.getByLabel("From").fill("22:30");
  await section.getByLabel("Until").fill("07:15");
  await section.getByRole("button", { name: "Save quiet hours" }).click();
  await eventually(async () => (await call(url, token, "GET", "/push/settings")).body.quiet_hours, 10_000, "quiet hours saved");
  const saved = (await call(url, token, "GET", "/push/settings")).body;
  assert.deepEqual(saved.quiet_hours, { start: 22 * 60 + 30, end: 7 * 60 + 15 });
  assert.equal(saved.utc_offset_minutes, await page.evaluate(() => 0 - new Date().getTimezoneOffset()));
  await page.close();
});
