// The walking skeleton, end to end: sign in, see the seeded chats, talk in real time between
// two members, and keep working after a reload with the network cut.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn as signedInAs } from "./support/fixtures.js";
import { SignInPage } from "./support/pages.js";

const fixture = useServerAndBrowser();
const signedIn = (username) => signedInAs(fixture, username);

test("a wrong password shows an error and keeps the username", async () => {
  const context = await fixture.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const signIn = new SignInPage(page, fixture.server.url);
  await signIn.open();
  await signIn.signIn("zhangsan", "wrong-password");
  await assert.doesNotReject(page.getByText("Username or password is wrong.").waitFor());
  assert.equal(await page.getByLabel("Username").inputValue(), "zhangsan");
  await context.close();
});

test("empty fields get a message next to the field", async () => {
  const context = await fixture.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const signIn = new SignInPage(page, fixture.server.url);
  await signIn.open();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Enter your username.").waitFor();
  await page.getByText("Enter your password.").waitFor();
  assert.equal(await page.getByLabel("Username").getAttribute("aria-invalid"), "true");
  await context.close();
});

test("signing in shows the seeded chats with Chinese names", async () => {
  const { context, chats, errors } = await signedIn("zhangsan");
  for (const title of ["全员群 All hands", "研发部 Engineering", "午饭搭子 Lunch crew", "李四"]) {
    await chats.conversation(title).waitFor();
  }
  await chats.open("研发部 Engineering");
  const texts = await chats.messageTexts();
  assert.ok(texts.some((t) => t.includes("回归测试通过")), `history shown: ${texts}`);
  assert.deepEqual(errors, [], "no console errors or CSP violations");
  await context.close();
});

test("A sends, B sees it live; B reloads offline and still sees the app and history", async () => {
  const a = await signedIn("zhangsan");
  const b = await signedIn("lisi");
  await a.chats.open("李四");
  await b.chats.open("张三");
  await b.chats.connection().and(b.page.locator("[data-state=online]")).waitFor();

  const text = `你好 from A ${Date.now()}`;
  await a.chats.send(text);
  await b.chats.timeline().getByText(text).waitFor({ timeout: 10_000 });
  // A's own copy turns from pending to sent.
  await a.page.locator("[data-pending=true]").waitFor({ state: "detached" });

  await b.context.setOffline(true);
  await b.page.reload();
  await b.chats.waitForList();
  await b.chats.connection().and(b.page.locator("[data-state=offline]")).waitFor();
  await b.chats.timeline().getByText(text).waitFor();
  await b.chats.conversation("全员群 All hands").click();
  await b.chats.timeline().getByText("欢迎大家使用 Weft").waitFor();

  await b.context.setOffline(false);
  await a.context.close();
  await b.context.close();
});

test("hostile text is shown as text, never run", async () => {
  const { context, page, chats } = await signedIn("zhangsan");
  await chats.open("午饭搭子 Lunch crew");
  const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\u202Egnp.exe`;
  await chats.send(hostile);
  await chats.timeline().getByText("<img src=x", { exact: false }).waitFor();
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await chats.timeline().locator("img").count(), 0);
  await context.close();
});
