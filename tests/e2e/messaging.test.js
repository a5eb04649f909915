// Messaging as members meet it: nothing typed offline is lost or sent twice, a server crash
// mid-typing loses nothing, and unread counts, receipts, replies and recall work live.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./support/server.js";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";

const fixture = useServerAndBrowser();

/** Texts of the conversation's confirmed messages, in timeline order. */
async function confirmedTexts(chats) {
  return chats.timeline().locator(".message:not(.message--pending) .message__text").allTextContents();
}

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** What each confirmed message shows: its text, or "image:<name>" for a picture. */
async function confirmedItems(chats) {
  return chats.timeline().locator(".message:not(.message--pending)").evaluateAll((items) =>
    items.map((item) => {
      const image = item.querySelector("img.message__image");
      if (image) return `image:${image.alt}`;
      return item.querySelector(".message__text")?.textContent ?? item.textContent;
    }),
  );
}

test("three messages and an image sent offline survive a reload and arrive exactly once, in order", async () => {
  const a = await signedIn(fixture, "zhangsan");
  const b = await signedIn(fixture, "lisi");
  await a.chats.open("李四");
  await b.chats.open("张三");
  await b.chats.connection().and(b.page.locator("[data-state=online]")).waitFor();

  await a.context.setOffline(true);
  await a.chats.connection().and(a.page.locator("[data-state=offline]")).waitFor();
  const texts = ["离线一 first", "离线二 second", "离线三 third"];
  for (const text of texts) await a.chats.send(text);
  await a.page.getByLabel("Attach a file").setInputFiles({ name: "午饭 lunch.png", mimeType: "image/png", buffer: PNG });
  await a.page.locator("[data-pending=true]").nth(3).waitFor();

  // Reload while still offline: all four are still there, pending, in order.
  await a.page.reload();
  await a.chats.waitForList();
  const pending = a.chats.timeline().locator("[data-pending=true] .message__text");
  await pending.nth(3).waitFor();
  assert.deepEqual(await pending.allInnerTexts(), [...texts, "📎 午饭 lunch.png (70 B)"]);

  await a.context.setOffline(false);
  await a.page.evaluate(() => window.dispatchEvent(new Event("online")));
  await a.page.locator("[data-pending=true]").first().waitFor({ state: "detached", timeout: 20_000 });
  for (const text of texts) await b.chats.timeline().getByText(text).waitFor({ timeout: 15_000 });
  await b.chats.timeline().getByRole("img", { name: "午饭 lunch.png" }).waitFor({ timeout: 15_000 });
  const seen = (await confirmedItems(b.chats)).filter((t) => texts.includes(t) || t.startsWith("image:"));
  assert.deepEqual(seen, [...texts, "image:午饭 lunch.png"], "B has each exactly once, in order");
  // The picture really loads (through its signed link).
  const loaded = await b.chats.timeline().getByRole("img", { name: "午饭 lunch.png" }).evaluate((img) => img.complete && img.naturalWidth);
  assert.equal(loaded, 1);
  // And so does the server's history.
  const token = JSON.parse(await b.page.evaluate(() => localStorage.getItem("weft.session"))).token;
  const list = await (await fetch(`${fixture.server.url}/api/v1/conversations`, { headers: { authorization: `Bearer ${token}` } })).json();
  const direct = list.find((c) => c.title === "张三");
  const page = await (await fetch(`${fixture.server.url}/api/v1/conversations/${direct.id}/messages?limit=200`, { headers: { authorization: `Bearer ${token}` } })).json();
  assert.deepEqual(page.messages.map((m) => m.text).filter((t) => texts.includes(t)), texts);
  assert.equal(page.messages.filter((m) => m.attachment?.file_name === "午饭 lunch.png").length, 1);
  await a.context.close();
  await b.context.close();
});

test("a server killed and restarted while A types 50 messages: B gets exactly those 50, in order", async () => {
  const a = await signedIn(fixture, "zhaoliu");
  const b = await signedIn(fixture, "yangfan");
  await a.chats.open("研发部 Engineering");
  await b.chats.open("研发部 Engineering");
  const texts = Array.from({ length: 50 }, (_, n) => `压力 ${String(n + 1).padStart(2, "0")}`);
  const port = new URL(fixture.server.url).port;
  for (const [n, text] of texts.entries()) {
    await a.chats.send(text);
    if (n === 20) {
      await fixture.server.stop("SIGKILL");
    }
    if (n === 35) {
      fixture.server = await startServer({ dataDir: fixture.server.dataDir, port });
    }
  }
  await a.page.evaluate(() => window.dispatchEvent(new Event("online")));
  await a.page.locator("[data-pending=true]").first().waitFor({ state: "detached", timeout: 60_000 });
  await b.chats.timeline().getByText(texts[49]).waitFor({ timeout: 60_000 });
  const seen = (await confirmedTexts(b.chats)).filter((t) => t.startsWith("压力 "));
  assert.deepEqual(seen, texts);
  await a.context.close();
  await b.context.close();
});

test("unread counts, read receipts, replies and recall work live between two members", async () => {
  const a = await signedIn(fixture, "chenjing");
  const b = await signedIn(fixture, "xuming");
  await a.chats.open("午饭搭子 Lunch crew");
  const question = `今天谁有空？ ${Date.now()}`;
  await a.chats.send(question);

  // B has not opened the chat: the list shows an unread badge.
  const badge = b.chats.conversation("午饭搭子 Lunch crew").getByTestId("unread");
  await badge.waitFor({ timeout: 10_000 });
  assert.ok(Number(await badge.innerText()) >= 1);
  await b.chats.open("午饭搭子 Lunch crew");
  await badge.waitFor({ state: "detached" });

  // A's message shows it was read by B (group: "n/m read").
  const mine = a.chats.timeline().locator(".message--mine", { hasText: question });
  await mine.getByTestId("receipt").filter({ hasText: /[1-9]\/3 read/ }).waitFor({ timeout: 10_000 });
  assert.match(await mine.getByTestId("receipt").getAttribute("title"), /徐明/, "and who read it");

  // B replies quoting A's message.
  await b.chats.timeline().locator(".message", { hasText: question }).hover();
  await b.chats.timeline().locator(".message", { hasText: question }).getByRole("button", { name: "Reply" }).click();
  await b.page.getByText("Replying to").waitFor();
  await b.chats.send("我有空 I'm free");
  const reply = a.chats.timeline().locator(".message", { hasText: "我有空 I'm free" });
  await reply.locator(".message__quote", { hasText: "今天谁有空" }).waitFor({ timeout: 10_000 });

  // A recalls the question: both see the marker, the text is gone.
  await mine.getByRole("button", { name: "Recall" }).click();
  await a.chats.timeline().getByText("陈静 recalled a message").waitFor({ timeout: 10_000 });
  await b.chats.timeline().getByText("陈静 recalled a message").waitFor({ timeout: 10_000 });
  assert.equal(await b.chats.timeline().getByText(question).count(), 0);
  await a.context.close();
  await b.context.close();
});
