// Issue #16's accessibility check: axe-core (from npm, pinned in package-lock.json) audits the
// sign-in page, the chat list, a conversation, the directory, approvals, the admin console and the
// Me page, in the light and the dark theme, on a desk-sized and a phone-sized screen, each reached
// as a person would, by its label. Any serious or critical violation fails the test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { useServerAndBrowser } from "./support/fixtures.js";
import { SignInPage, ChatsPage, openApprovalsPage } from "./support/pages.js";

const fixture = useServerAndBrowser();
const AXE = readFileSync("node_modules/axe-core/axe.min.js", "utf8");
const PAGES = ["sign-in", "chat list", "conversation", "directory", "approvals", "me", "admin"];
const SCREENS = [
  { name: "desk", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 360, height: 640 } },
];

/** The serious and critical violations axe finds on the page as it is now. */
async function audit(page) {
  // The app's CSP allows only its own scripts; the context bypasses it for the auditor alone.
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 3).map((node) => `${node.target.join(" ")} — ${node.failureSummary}`),
    }));
}

async function settle(page) {
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.waitForTimeout(300);
}

for (const scheme of ["light", "dark"]) {
  for (const screen of SCREENS) {
    test(`no serious or critical axe violations on every page, ${scheme} theme, ${screen.name}`, async () => {
      const context = await fixture.browser.newContext({
        locale: "en-US",
        viewport: screen.viewport,
        colorScheme: scheme,
        bypassCSP: true,
      });
      const page = await context.newPage();
      const found = {};
      const audited = {};
      const check = async (name) => {
        await settle(page);
        const violations = await audit(page);
        audited[name] = true;
        if (violations.length) found[name] = violations;
      };
      const signIn = new SignInPage(page, fixture.server.url);
      await signIn.open();
      await check("sign-in");
      // A member first: chats, a conversation, the directory, approvals, Me.
      await signIn.signIn("zhangsan");
      const chats = new ChatsPage(page, fixture.server.url);
      await chats.waitForList();
      await check("chat list");
      await chats.open("研发部 Engineering");
      await chats.timeline().getByText(/./).first().waitFor();
      await check("conversation");
      // On a phone the conversation fills the screen; Back returns to the list and its tab bar.
      if (screen.name === "phone") await page.getByRole("link", { name: "Back" }).click();
      const nav = page.getByRole("navigation", { name: "Main" });
      await nav.getByRole("link", { name: /^Directory/ }).click();
      await page.getByRole("heading", { name: /Directory/ }).first().waitFor();
      await check("directory");
      await openApprovalsPage(page);
      await page.getByRole("heading", { name: /Approvals/ }).first().waitFor();
      await check("approvals");
      await nav.getByRole("link", { name: "Me", exact: true }).click();
      await page.getByRole("heading", { name: /^Me/ }).first().waitFor();
      await check("me");
      await context.close();

      const adminContext = await fixture.browser.newContext({
        locale: "en-US",
        viewport: screen.viewport,
        colorScheme: scheme,
        bypassCSP: true,
      });
      const adminPage = await adminContext.newPage();
      const adminSignIn = new SignInPage(adminPage, fixture.server.url);
      await adminSignIn.open();
      await adminSignIn.signIn("admin");
      await adminPage.getByRole("navigation", { name: "Chats" }).waitFor();
      await adminPage.getByRole("link", { name: "Admin", exact: true }).first().click();
      await adminPage.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Members" }).click();
      await adminPage.getByRole("heading", { level: 2, name: "Members" }).waitFor();
      await settle(adminPage);
      const adminViolations = await audit(adminPage);
      audited.admin = true;
      if (adminViolations.length) found.admin = adminViolations;
      await adminContext.close();

      assert.deepEqual(found, {}, JSON.stringify(found, null, 2));
      // The audit really ran on every page (a page that failed to load would report nothing).
      assert.deepEqual(Object.keys(audited).sort(), [...PAGES].sort());
    });
  }
}

/**
 * Presses Tab until the focused element satisfies `wanted` ({tag, id, name, text}); every element
 * focused on the way must show its focus (an outline, on itself or the ::after that stretches
 * a row's link over the row, or a box shadow).
 */
async function tabTo(page, wanted, what, limit = 80) {
  const visited = [];
  for (let step = 0; step < limit; step++) {
    // The element focused already counts (a page may focus its first field itself).
    if (step > 0) await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      const shows = (style) => style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      const style = getComputedStyle(element);
      return {
        tag: element.tagName.toLowerCase(),
        id: element.id,
        name: element.getAttribute("name"),
        text: (element.getAttribute("aria-label") || element.textContent || "").trim().slice(0, 60),
        visible: shows(style) || style.boxShadow !== "none" || shows(getComputedStyle(element, "::after")),
      };
    });
    visited.push(`${focused.tag}#${focused.id} ${focused.text}`);
    // Past the last control focus leaves the page for the browser's own controls.
    if (focused.tag === "body") continue;
    assert.ok(focused.visible, `focus is not visible on ${focused.tag}#${focused.id} "${focused.text}"`);
    if (wanted(focused)) return;
  }
  assert.fail(`${what} was not reached by Tab; focus went through:\n${visited.join("\n")}`);
}

test("the keyboard alone signs in, opens a chat, sends, moves between destinations and picks a theme, focus always visible", async () => {
  const context = await fixture.browser.newContext({ locale: "en-US", viewport: SCREENS[0].viewport });
  const page = await context.newPage();
  await new SignInPage(page, fixture.server.url).open();
  await tabTo(page, (f) => f.tag === "input" && f.id.includes("user"), "Username");
  await page.keyboard.type("zhangsan");
  await tabTo(page, (f) => f.tag === "input" && f.id.includes("pass"), "Password");
  await page.keyboard.type("weft-demo");
  await page.keyboard.press("Enter");
  const chats = new ChatsPage(page, fixture.server.url);
  await chats.waitForList();

  await tabTo(page, (f) => f.tag === "a" && f.text.includes("研发部 Engineering"), "the chat 研发部 Engineering");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 2, name: "研发部 Engineering" }).waitFor();
  await tabTo(page, (f) => f.id === "composer-input", "the message box");
  await page.keyboard.type("键盘发送 sent by keyboard");
  await page.keyboard.press("Enter");
  await chats.timeline().getByText("键盘发送 sent by keyboard").waitFor();

  await tabTo(page, (f) => f.tag === "a" && f.text === "Me", "Me in the main navigation");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: /^Me/ }).first().waitFor();
  // A radio group is one Tab stop; the arrow keys move the choice (System → Light → Dark).
  await tabTo(page, (f) => f.name === "me-theme", "the theme choices");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await context.close();
});
