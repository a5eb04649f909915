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
