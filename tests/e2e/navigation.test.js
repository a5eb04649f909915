// Navigation members already know (issue #16): on desks a rail beside the chat list, on phones a
// tab bar at the bottom, with Messages 消息, Directory 通讯录, Workbench 工作台 and Me 我, each
// one tap away by its label; the unread and pending counts on them; on phones a conversation
// fills the screen and Back returns; nothing overflows sideways, even at 320 px; the Me page
// shows the profile and switches language and theme.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser } from "./support/fixtures.js";
import { signInAs } from "./support/sessions.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();

const PHONE = { width: 360, height: 640 };
const DESK = { width: 1280, height: 800 };
const NARROWEST = { width: 320, height: 640 };

/** The main navigation (rail or tab bar). */
function mainNav(page) {
  return page.getByRole("navigation", { name: "Main" });
}

/** A destination's link in the main navigation, by its visible label (a badge may follow it). */
function destination(page, label) {
  return mainNav(page).getByRole("link", { name: new RegExp(`^${label}(\\s|$)`) });
}

/** How far the page is wider than the window (0 when nothing overflows sideways). */
async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** What shows that each destination's page is open. */
const PAGES = {
  Messages: (page) => page.getByRole("navigation", { name: "Chats" }),
  Directory: (page) => page.getByRole("heading", { level: 2, name: "Directory" }),
  Workbench: (page) => page.getByRole("heading", { level: 2, name: "Workbench" }),
  Me: (page) => page.getByRole("heading", { level: 2, name: "Me" }),
};

/** Opens a destination with one click on its label and checks it is marked current. */
async function go(page, label) {
  await destination(page, label).click();
  await PAGES[label](page).waitFor();
  assert.equal(await destination(page, label).getAttribute("aria-current"), "page", `${label} is current`);
  for (const other of Object.keys(PAGES).filter((name) => name !== label)) {
    assert.equal(await destination(page, other).getAttribute("aria-current"), null, `${other} is not current`);
  }
}

for (const [name, viewport] of [
  ["360×640", PHONE],
  ["1280×800", DESK],
]) {
  test(`at ${name}: every destination is one click away by its label, nothing overflows, targets are at least 44px`, async () => {
    const { context, page } = await signInAs(fixture, "zhangsan", { contextOptions: { viewport } });
    const nav = mainNav(page);
    await nav.waitFor();
    // On desks the rail is at the far left beside the chat list; on phones a bar at the bottom.
    const box = await nav.boundingBox();
    const list = await page.getByRole("navigation", { name: "Chats" }).boundingBox();
    if (viewport === DESK) {
      assert.ok(box.x < 2 && box.x + box.width <= list.x + 1, `rail left of the chat list: ${JSON.stringify([box, list])}`);
    } else {
      assert.ok(Math.abs(box.y + box.height - viewport.height) < 2, `tab bar at the bottom: ${JSON.stringify(box)}`);
      assert.ok(box.width >= viewport.width - 1, "the tab bar spans the width");
    }
    for (const label of Object.keys(PAGES)) {
      const target = await destination(page, label).boundingBox();
      assert.ok(target.width >= 44 && target.height >= 44, `${label} is a 44px target: ${JSON.stringify(target)}`);
    }

    for (const label of ["Directory", "Workbench", "Me", "Messages"]) {
      await go(page, label);
      assert.ok((await overflow(page)) <= 0, `${label} overflows by ${await overflow(page)}px at ${name}`);
    }
    // New chat and Search stay in the chat list's header, whole and reachable.
    for (const [label, heading] of [
      ["New chat", "New chat"],
      ["Search", "Search"],
    ]) {
      const link = page.getByRole("group", { name: "Chat actions" }).getByRole("link", { name: label, exact: true });
      const size = await link.boundingBox();
      assert.ok(size.height >= 44, `${label} is a 44px target`);
      const fits = await link.evaluate((element) => element.scrollWidth <= element.clientWidth);
      assert.ok(fits, `${label} is not cut off`);
      await link.click();
      await page.getByRole("heading", { level: 2, name: heading }).waitFor();
      assert.equal(await destination(page, "Messages").getAttribute("aria-current"), "page");
      await go(page, "Messages");
    }
    // Approvals is reached from the Workbench; a member sees no console there.
    await go(page, "Workbench");
    const apps = page.getByRole("list", { name: "Apps" });
    assert.equal(await apps.getByRole("link", { name: "Admin" }).count(), 0);
    await apps.getByRole("link", { name: "Approvals" }).click();
    await page.getByRole("heading", { level: 2, name: "Approvals" }).waitFor();
    assert.equal(await destination(page, "Workbench").getAttribute("aria-current"), "page");

    // At 320 px wide, no destination (nor approvals, nor a conversation) overflows sideways.
    await page.setViewportSize(NARROWEST);
    assert.ok((await overflow(page)) <= 0, `Approvals overflows by ${await overflow(page)}px at 320px`);
    for (const label of ["Directory", "Workbench", "Me", "Messages"]) {
      await go(page, label);
      assert.ok((await overflow(page)) <= 0, `${label} overflows by ${await overflow(page)}px at 320px`);
    }
    await page.getByRole("navigation", { name: "Chats" }).getByRole("link", { name: "李四" }).click();
    await page.getByRole("heading", { level: 2, name: "李四" }).waitFor();
    assert.ok((await overflow(page)) <= 0, `a conversation overflows by ${await overflow(page)}px at 320px`);
    await context.close();
  });
}

test("at 360×640: the Messages badge counts what 李四 sent, the conversation fills the screen, and Back or an edge swipe returns", async () => {
  const zhang = await signInAs(fixture, "zhangsan", { contextOptions: { viewport: PHONE, hasTouch: true } });
  const li = await signInAs(fixture, "lisi", { contextOptions: { viewport: DESK } });
  const { page } = zhang;
  await mainNav(page).waitFor();
  // The seeded chats' unread messages: the tab counts those of conversations not muted.
  const list = page.getByRole("navigation", { name: "Chats" });
  const listed = await list
    .locator("[data-testid=unread]:not(.unread-badge--muted)")
    .evaluateAll((badges) => badges.reduce((sum, badge) => sum + Number(badge.textContent), 0));
  const name = listed > 0 ? `Messages ${listed} unread` : "Messages";
  await mainNav(page).getByRole("link", { name, exact: true }).waitFor();
  // Read them all (open each, then Back): the link is named by its label alone.
  while ((await list.locator("[data-testid=unread]").count()) > 0) {
    const unread = list.getByRole("listitem").filter({ has: page.getByTestId("unread") }).first();
    await unread.getByRole("link").click();
    await page.getByRole("log").waitFor();
    await page.getByRole("link", { name: "Back" }).click();
    await list.waitFor();
  }
  await mainNav(page).getByRole("link", { name: "Messages", exact: true }).waitFor();

  // The app icon's badge follows the unread total while the app is open (a spy that still
  // calls the browser's own setAppBadge/clearAppBadge records the counts).
  await page.evaluate(() => {
    window.__badges = [];
    const set = navigator.setAppBadge.bind(navigator);
    const clear = navigator.clearAppBadge.bind(navigator);
    navigator.setAppBadge = (n) => (window.__badges.push(n), set(n));
    navigator.clearAppBadge = () => (window.__badges.push(0), clear());
  });
  await li.chats.open("张三");
  await li.chats.send("导航测试 nav test");
  const withBadge = mainNav(page).getByRole("link", { name: "Messages 1 unread" });
  await withBadge.waitFor({ timeout: 15_000 });


  // The conversation fills the phone's screen: no chat list, no tab bar.
  await zhang.chats.open("李四");
  await zhang.chats.timeline().getByText("导航测试 nav test").waitFor();
  assert.equal(await mainNav(page).isVisible(), false, "the tab bar is hidden in a conversation");
  assert.equal(await page.getByRole("navigation", { name: "Chats" }).isVisible(), false);
  assert.equal(await page.getByRole("button", { name: "Sign out" }).isVisible(), false, "nor the top bar");
  const conversation = await page.getByRole("log").boundingBox();
  assert.ok(conversation.width >= PHONE.width - 1, "the conversation is as wide as the screen");

  await page.getByRole("link", { name: "Back" }).click();
  await page.getByRole("navigation", { name: "Chats" }).waitFor();
  await mainNav(page).waitFor();
  // Read now: the badge is gone, on the tab and on the app's icon.
  await mainNav(page).getByRole("link", { name: "Messages", exact: true }).waitFor();
  await page.waitForFunction(() => window.__badges.at(-1) === 0);
  assert.deepEqual(await page.evaluate(() => window.__badges), [1, 0], "the icon showed 1 unread, then none");

  // The back gesture: a swipe from the left edge does what Back does; scrolling up along the
  // edge does not.
  const cdp = await zhang.context.newCDPSession(page);
  const drag = async (points) => {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [points[0]] });
    for (const point of points.slice(1)) await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [point] });
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  };
  await zhang.chats.open("李四");
  await drag([{ x: 8, y: 520 }, { x: 14, y: 400 }, { x: 20, y: 260 }]);
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole("log").isVisible(), true, "a vertical drag stays in the conversation");
  await drag([{ x: 6, y: 320 }, { x: 70, y: 324 }, { x: 170, y: 330 }]);
  await page.getByRole("navigation", { name: "Chats" }).waitFor();
  await mainNav(page).waitFor();
  await zhang.context.close();
  await li.context.close();
});

test("at 1280×800: the Workbench badge and tile count the approvals waiting for 王五; the admin has the console there", async () => {
  const url = fixture.server.url;
  const { token } = await login(url, "zhangsan");
  const templates = await call(url, token, "GET", "/approvals/templates");
  const expense = templates.body.find((t) => t.icon === "expense");
  const reply = await call(url, token, "POST", "/approvals/requests", {
    client_id: crypto.randomUUID(),
    template_id: expense.id,
    template_version: expense.version,
    form: {
      amount: { kind: "money", value: 4200 },
      reason: { kind: "text", value: "导航 Navigation" },
      date: { kind: "date", value: "2026-11-30" },
    },
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));

  for (const viewport of [DESK, PHONE]) {
    const leader = await signInAs(fixture, "wangwu", { contextOptions: { viewport } });
    const { page } = leader;
    await mainNav(page).getByRole("link", { name: "Workbench 1 waiting for you" }).waitFor({ timeout: 15_000 });
    await go(page, "Workbench");
    const tile = page.getByRole("list", { name: "Apps" }).getByRole("link", { name: "Approvals 1 waiting for you" });
    await tile.click();
    await page.getByRole("heading", { level: 2, name: "Approvals" }).waitFor();
    await page.getByRole("list", { name: "Approvals" }).getByRole("link", { name: /报销 Expense/ }).waitFor();
    await leader.context.close();
  }

  const admin = await signInAs(fixture, "admin", { contextOptions: { viewport: PHONE } });
  await go(admin.page, "Workbench");
  await admin.page.getByRole("list", { name: "Apps" }).getByRole("link", { name: "Admin" }).click();
  await admin.page.getByRole("heading", { level: 1, name: "Admin" }).waitFor();
  await admin.context.close();
});

test("the Me page shows the profile, switches language and theme, and leads to the devices", async () => {
  for (const viewport of [PHONE, DESK]) {
    const { context, page } = await signInAs(fixture, "zhangsan", { contextOptions: { viewport } });
    await go(page, "Me");
    const profile = page.getByRole("region", { name: "Profile" });
    await profile.getByText("张三").first().waitFor();
    await profile.getByText("zhangsan", { exact: true }).waitFor();

    await page.getByRole("radio", { name: "中文" }).check();
    await page.getByRole("heading", { level: 2, name: "我" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
    await mainNav(page).waitFor({ state: "detached" });
    const zhNav = page.getByRole("navigation", { name: "主导航" });
    for (const label of ["消息", "通讯录", "工作台", "我"]) {
      await zhNav.getByRole("link", { name: new RegExp(`^${label}`) }).waitFor();
    }
    assert.equal(await zhNav.getByRole("link", { name: /^我/ }).getAttribute("aria-current"), "page");
    // Remembered on this device.
    await page.reload();
    await page.getByRole("heading", { level: 2, name: "我" }).waitFor();
    assert.equal(await page.getByRole("radio", { name: "中文" }).isChecked(), true);
    await page.getByRole("radio", { name: "English" }).check();
    await page.getByRole("heading", { level: 2, name: "Me" }).waitFor();

    // Theme: dark, then light, then the device's again; each changes the page's colours.
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await page.getByRole("radio", { name: "Same as the device" }).isChecked(), true);
    const light = await background();
    await page.getByRole("radio", { name: "Dark" }).check();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    assert.notEqual(await background(), light, "dark changes the background");
    await page.reload();
    await page.getByRole("heading", { level: 2, name: "Me" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark", "remembered");
    await page.getByRole("radio", { name: "Light" }).check();
    assert.equal(await background(), light);
    await page.getByRole("radio", { name: "Same as the device" }).check();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined);

    await page.getByRole("region", { name: "About" }).getByText(/^\d+\.\d+\.\d+/).waitFor();
    await page.getByRole("link", { name: "Devices and password" }).click();
    await page.getByRole("heading", { level: 2, name: "Settings" }).waitFor();
    await page.getByRole("list", { name: "Devices" }).getByRole("listitem").first().waitFor();
    assert.equal(await destination(page, "Me").getAttribute("aria-current"), "page");
    await context.close();
  }
});
