// Starting chats and running groups from the app, and searching messages online and offline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";

const fixture = useServerAndBrowser();

test("a member creates a group by picking people; the others see it live; the owner manages it", async () => {
  const a = await signedIn(fixture, "wangwu");
  const b = await signedIn(fixture, "guojun");
  await a.page.getByRole("link", { name: "New chat" }).click();
  // Picking nobody, or several without a name, is refused next to the fields.
  await a.page.getByRole("button", { name: "Start chat" }).click();
  await a.page.getByText("Pick at least one person.").waitFor();
  await a.page.getByLabel("Find people").fill("guo");
  await a.page.getByRole("checkbox", { name: /郭军/ }).check();
  await a.page.getByLabel("Find people").fill("ma qiang");
  await a.page.getByRole("checkbox", { name: /马强/ }).check();
  await a.page.getByRole("button", { name: "Start chat" }).click();
  await a.page.getByText("A group needs a name.").waitFor();
  await a.page.getByLabel("Group name").fill("架构评审 Architecture review");
  await a.page.getByRole("button", { name: "Start chat" }).click();
  await a.page.getByRole("heading", { level: 2, name: "架构评审 Architecture review" }).waitFor();
  await a.chats.send("欢迎 welcome");

  // 郭军 sees the new group appear with the message, without reloading.
  await b.chats.conversation("架构评审 Architecture review").waitFor({ timeout: 10_000 });
  await b.chats.open("架构评审 Architecture review");
  await b.chats.timeline().getByText("欢迎 welcome").waitFor();
  // 郭军 is not the owner: no rename form.
  await b.page.getByRole("link", { name: "Group settings" }).click();
  await b.page.getByRole("heading", { name: "Members" }).waitFor();
  assert.equal(await b.page.getByRole("button", { name: "Rename" }).count(), 0);

  // The owner renames it and removes 马强.
  await a.page.getByRole("link", { name: "Group settings" }).click();
  await a.page.getByLabel("Group name").fill("架构组 Architecture");
  await a.page.getByRole("button", { name: "Rename" }).click();
  await b.chats.conversation("架构组 Architecture").waitFor({ timeout: 10_000 });
  const row = a.page.locator(".participant", { hasText: "马强" });
  await row.getByRole("button", { name: "Remove" }).click();
  await row.waitFor({ state: "detached", timeout: 10_000 });
  await a.context.close();
  await b.context.close();
});

test("search finds Chinese inside sentences, and offline it searches what the device saved", async () => {
  const a = await signedIn(fixture, "zhangsan");
  await a.page.getByRole("link", { name: "Search" }).click();
  await a.page.getByRole("searchbox", { name: "Search messages" }).fill("回归");
  const results = a.page.getByRole("list", { name: "Search messages" });
  await results.getByText("回归测试通过").waitFor();
  await results.getByText("研发部 Engineering").waitFor();

  await a.context.setOffline(true);
  await a.page.getByRole("searchbox", { name: "Search messages" }).fill("兰州");
  await results.getByText("兰州拉面").waitFor();
  await a.page.getByText("Offline: showing matches saved on this device.").waitFor();
  await results.getByRole("link").first().click();
  await a.chats.timeline().getByText("兰州拉面").waitFor();
  await a.context.setOffline(false);
  await a.context.close();
});

test("pinning and muting offline show at once, survive a reload offline, and reach the server when back", async () => {
  const a = await signedIn(fixture, "heyun");
  await a.chats.open("全员群 All hands");
  await a.context.setOffline(true);
  await a.page.getByRole("button", { name: "Pin", exact: true }).click();
  await a.page.getByRole("button", { name: "Mute", exact: true }).click();
  await a.page.getByRole("button", { name: "Unpin" }).waitFor();
  assert.match(await a.chats.list().getByRole("link").first().innerText(), /全员群 All hands/);
  // Still offline: the reload shows the device's copy, pinned first, muted.
  await a.page.reload();
  await a.chats.waitForList();
  assert.match(await a.chats.list().getByRole("link").first().innerText(), /全员群 All hands/);
  await a.page.getByRole("button", { name: "Unmute" }).waitFor();
  // Back online, the outbox delivers it to the server.
  await a.context.setOffline(false);
  await a.page.evaluate(() => window.dispatchEvent(new Event("online")));
  await a.page.waitForFunction(async () => {
    const session = JSON.parse(localStorage.getItem("weft.session"));
    const reply = await fetch("/api/v1/conversations", { headers: { authorization: `Bearer ${session.token}` } });
    const list = await reply.json();
    return list[0].title === "全员群 All hands" && list[0].pinned && list[0].muted;
  }, null, { timeout: 15_000, polling: 500 });
  await a.context.close();
});
