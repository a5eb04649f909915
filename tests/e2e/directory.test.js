// The directory as members meet it: an admin imports a thousand people, a colleague finds 张三
// by typing "zs" with the network cut (the device's copy, pinyin initials computed by the server),
// the profile card opens a chat, and when the admin limits what that colleague's department may
// see, their app drops the hidden department and its people — online at once, and for good.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();
const ROOT = "织锦科技 Weft Demo Co.";

/** A CSV of `count` new members in 市场部 with Chinese names (none with the initials "zs"). */
function thousandPeople(count) {
  const surnames = ["王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐"];
  const given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋"];
  const rows = ["userid,name,position,mobile,email,departments"];
  for (let n = 0; n < count; n += 1) {
    const name = surnames[n % 10] + given[Math.floor(n / 10) % 10] + given[Math.floor(n / 100) % 10];
    rows.push(`imp${String(n).padStart(4, "0")},${name},销售 Sales,137${String(n).padStart(8, "0")},imp${n}@import.example,${ROOT}/市场部 Sales & Marketing`);
  }
  return rows.join("\n") + "\n";
}

class DirectoryPage {
  constructor(page) {
    this.page = page;
  }
  async open() {
    await this.page.getByRole("link", { name: "Directory" }).click();
    await this.page.getByRole("heading", { level: 2, name: "Directory" }).waitFor();
  }
  /** Waits until the header's head count is within `[min, max]`. */
  waitForCount(min, max = Infinity) {
    return this.page.waitForFunction(
      ([low, high]) => {
        const count = Number(document.querySelector("[data-testid=directory-count]")?.textContent.replace(/\D/g, ""));
        return count >= low && count <= high;
      },
      [min, max],
    );
  }
  search(text) {
    return this.page.getByRole("combobox", { name: /Search people/ }).fill(text);
  }
  results() {
    return this.page.getByRole("listbox", { name: "People found" }).getByRole("option");
  }
  tree() {
    return this.page.getByRole("tree", { name: "Departments" });
  }
}

test("an imported thousand, 'zs' finds 张三 offline, and a narrowed rule drops a department from the app", async () => {
  const { url } = fixture.server;
  const admin = await login(url, "admin");
  const imported = await call(url, admin.token, "POST", "/admin/members/import", thousandPeople(1000), "text/csv");
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  assert.equal(imported.body.created, 1000);

  const viewer = await signedIn(fixture, "xuming");
  const directory = new DirectoryPage(viewer.page);
  await directory.open();
  await directory.waitForCount(1020);

  // Offline, after a reload: the device's copy answers every keystroke.
  await viewer.context.setOffline(true);
  await viewer.page.reload();
  await directory.open();
  await directory.waitForCount(1020);
  await directory.search("zs");
  const first = directory.results().first();
  await first.waitFor();
  assert.match(await first.textContent(), /张三/);
  assert.equal(await first.getAttribute("aria-selected"), "true");
  assert.equal(await first.locator("mark").textContent(), "zs", "the matched initials are highlighted");
  // Keyboard: Enter opens the highlighted person's card.
  await viewer.page.getByRole("combobox", { name: /Search people/ }).press("Enter");
  const card = viewer.page.getByTestId("profile-card");
  await card.getByRole("heading", { name: /张三/ }).waitFor();
  assert.match(await card.textContent(), /前端组 Frontend/);
  // Chinese and Latin substrings and account names work the same way.
  await directory.search("王伟");
  assert.match(await directory.results().first().textContent(), /王伟/);
  await directory.search("imp0999");
  assert.equal(await directory.results().count(), 1);

  // The card's "Message" opens the direct chat (back online).
  await viewer.context.setOffline(false);
  await viewer.chats.connection().and(viewer.page.locator("[data-state=online]")).waitFor();
  await directory.search("zs");
  await viewer.page.getByRole("combobox", { name: /Search people/ }).press("Enter");
  await card.getByRole("button", { name: "Message" }).click();
  await viewer.page.getByRole("heading", { level: 2, name: "张三" }).waitFor();

  // The admin limits 产品部 to seeing only itself: 前端组 and 张三 leave the app live.
  await directory.open();
  await directory.tree().getByRole("button", { name: /研发部 Engineering/ }).click();
  await directory.tree().getByText("前端组 Frontend").waitFor();
  const { body: snapshot } = await call(url, admin.token, "GET", "/directory");
  const product = snapshot.departments.find((d) => d.name === "产品部 Product");
  const rule = await call(url, admin.token, "PUT", `/admin/visibility/departments/${product.id}`, { visible_department_ids: [product.id] });
  assert.equal(rule.status, 204, JSON.stringify(rule.body));
  await directory.waitForCount(1, 99);
  await directory.search("zs");
  await viewer.page.getByText("No one found.").waitFor();
  await directory.search("");
  assert.equal(await directory.tree().getByText("前端组 Frontend").count(), 0);
  await directory.tree().getByText("产品部 Product").waitFor();

  // The device's copy was changed too: offline after a reload, they are still gone.
  await viewer.context.setOffline(true);
  await viewer.page.reload();
  await directory.open();
  await directory.search("zs");
  await viewer.page.getByText("No one found.").waitFor();
  await directory.search("徐明");
  assert.match(await directory.results().first().textContent(), /徐明/);
  await viewer.context.close();
});
