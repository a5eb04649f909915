// A shared device's idle lock as a person meets it (issue #12, "Shared mode"): the PIN offered
// after the first password unlock (bad input said beside the field), the PIN unlocking with the
// network cut, five wrong PINs dropping it, the password unlock saying it needs the server;
// Switch person from the lock screen (unsent messages decided first, then the sign-in page with
// the recent names only, nothing of the person left); and a shared session's lock after a reload.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser } from "./support/fixtures.js";
import { DEMO_PASSWORD } from "./support/server.js";
import { signInAs, browserHoldings, waitForNoDatabases } from "./support/sessions.js";

const fixture = useServerAndBrowser();
const PHONE = { viewport: { width: 360, height: 640 } };
const DESK = { viewport: { width: 1280, height: 800 } };
const fakeClock = (page) => page.clock.install();

/** Lets the shared policy's idle lock (5 minutes by default) fall. */
async function idleUntilLocked(page) {
  await page.clock.fastForward("05:30");
  await page.getByRole("heading", { name: "Locked" }).waitFor();
}

test("a shared device offers a PIN after the password unlock, and the PIN unlocks offline", async () => {
  const { context, page, chats, errors } = await signInAs(fixture, "wuxia", {
    mode: "Shared device",
    contextOptions: PHONE,
    beforeOpen: fakeClock,
  });
  await idleUntilLocked(page);
  assert.equal(await page.getByRole("button", { name: "Use PIN instead" }).count(), 0, "no PIN yet");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Unlock" }).click();

  const offer = page.getByRole("dialog", { name: "Set a PIN for quick unlock" });
  await offer.waitFor();
  await offer.getByLabel("New PIN").fill("12a4");
  await offer.getByRole("button", { name: "Set PIN" }).click();
  await page.locator("#new-pin-error").getByText("Digits only.").waitFor();
  assert.equal(await offer.getByLabel("New PIN").getAttribute("aria-invalid"), "true");
  await offer.getByLabel("New PIN").fill("24");
  await offer.getByRole("button", { name: "Set PIN" }).click();
  await page.locator("#new-pin-error").getByText("At least 4 digits.").waitFor();
  await offer.getByLabel("New PIN").fill("2468");
  await offer.getByLabel("Confirm PIN").fill("2469");
  await offer.getByRole("button", { name: "Set PIN" }).click();
  await page.locator("#confirm-pin-error").getByText("The two PINs differ.").waitFor();
  await offer.getByLabel("Confirm PIN").fill("2468");
  await offer.getByRole("button", { name: "Set PIN" }).click();
  await offer.waitFor({ state: "detached" });
  // Shared mode keeps nothing of it on disk.
  const held = await browserHoldings(page);
  assert.deepEqual(held.local.filter((k) => k !== "weft.lang"), [], `storage keys: ${held.local}`);

  await idleUntilLocked(page);
  const pin = page.getByLabel("PIN", { exact: true });
  await pin.waitFor();
  await context.setOffline(true);
  await pin.fill("0000");
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.locator("#unlock-pin-error").getByText("That PIN is not right.").waitFor();
  await page.getByText("4 more tries before the PIN is removed.").waitFor();
  await pin.fill("2468");
  await page.getByRole("button", { name: "Unlock" }).click();
  await chats.list().waitFor();
  assert.equal(await page.getByRole("heading", { name: "Locked" }).count(), 0, "unlocked with the network cut");

  // The password needs the server; five wrong PINs drop the PIN.
  await idleUntilLocked(page);
  await page.getByRole("button", { name: "Use password instead" }).click();
  await page.getByText("Unlocking with the password needs the server, which cannot be reached now.").waitFor();
  await page.getByRole("button", { name: "Use PIN instead" }).click();
  for (let n = 0; n < 5; n++) {
    await pin.fill("1111");
    await page.getByRole("button", { name: "Unlock" }).click();
    if (n < 4) await page.getByText(`${4 - n} more tr`).waitFor();
  }
  await page.getByText("Too many wrong PINs: the PIN was removed. Unlock with your password.").waitFor();
  assert.equal(await page.getByRole("button", { name: "Use PIN instead" }).count(), 0);
  await context.setOffline(false);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Unlock" }).click();
  await chats.list().waitFor();
  assert.deepEqual(errors.filter((e) => /panicked|RuntimeError|unreachable/.test(e)), [], "no panic");
  await context.close();
});

test("Switch person: unsent messages first, then the sign-in page lists recent names only", async () => {
  const { context, page, chats } = await signInAs(fixture, "yangfan", {
    mode: "Shared device",
    contextOptions: DESK,
    beforeOpen: fakeClock,
  });
  await chats.open("全员群 All hands");
  await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name.startsWith("weft-shared-")));
  await context.setOffline(true);
  await chats.send(`left unsent ${Date.now()}`);
  await idleUntilLocked(page);
  await page.getByRole("button", { name: "Switch person" }).click();
  // The choice is forced before the next person can sign in.
  const dialog = page.getByRole("alertdialog", { name: "1 message not sent" });
  await dialog.waitFor();
  assert.equal(await page.getByLabel("Username").count(), 0);
  await dialog.getByRole("button", { name: "Discard" }).click();
  await page.getByLabel("Username").waitFor();
  await context.setOffline(false);
  await waitForNoDatabases(page);
  const left = await browserHoldings(page);
  assert.deepEqual(left.databases.filter((n) => n.startsWith("weft")), [], "the previous person's databases are gone");

  const recent = page.getByRole("list", { name: "Recently signed in here" });
  await recent.getByRole("button", { name: "杨帆", exact: true }).click();
  assert.equal(await page.getByLabel("Username").inputValue(), "yangfan");
  assert.equal(await page.evaluate(() => document.activeElement.id), "password", "the password is next");
  assert.equal(
    await page.evaluate(() => localStorage.getItem("weft-recent-people")),
    JSON.stringify([{ name: "杨帆", account: "yangfan" }]),
    "name and account only",
  );

  // The next person signs in shared, then out: newest first. A personal sign-in adds nothing.
  await page.getByLabel("Username").fill("zhaoliu");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("radio", { name: "Shared device" }).check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await chats.waitForList();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Username").waitFor();
  const names = await recent.getByRole("listitem").allTextContents();
  assert.deepEqual(names.map((n) => n.replace("×", "").trim()), ["赵六", "杨帆"]);
  await page.getByLabel("Username").fill("chenjing");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("radio", { name: "My device" }).check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await chats.waitForList();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Username").waitFor();
  assert.equal(await recent.getByRole("listitem").count(), 2, "my-device sign-ins are not listed");
  await recent.getByRole("button", { name: "Remove 赵六 from this list" }).click();
  await recent.getByRole("button", { name: "赵六", exact: true }).waitFor({ state: "detached" });
  assert.equal(await recent.getByRole("button", { name: /^Remove / }).count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement.id), "username", "the keyboard goes on");
  await context.close();
});

test("a locked shared session ends with a reload: the sign-in page, and nothing of the person left", async () => {
  const { context, page } = await signInAs(fixture, "heyun", {
    mode: "Shared device",
    contextOptions: PHONE,
    beforeOpen: fakeClock,
  });
  await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name.startsWith("weft-shared-")));
  await idleUntilLocked(page);
  await page.reload();
  await page.getByLabel("Username").waitFor();
  assert.equal(await page.getByRole("heading", { name: "Locked" }).count(), 0);
  await waitForNoDatabases(page);
  const left = await browserHoldings(page);
  assert.deepEqual(left.local.filter((k) => k !== "weft.lang"), [], `storage keys: ${left.local}`);
  assert.deepEqual(left.session, []);
  await context.close();
});
