// A long conversation keeps a small page: only a window of messages is in the DOM while the member
// scrolls back through all of it (from the server, then from the device with the network cut), the
// message being read stays where it is when the window moves, and "Jump to newest" comes back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();
const COUNT = 600;

/** Sends `COUNT` numbered messages from zhangsan to lisi through the API. */
async function fillDirectChat(url) {
  const { token } = await login(url, "zhangsan");
  const { body: list } = await call(url, token, "GET", "/conversations");
  const direct = list.find((c) => c.title === "李四");
  for (let n = 1; n <= COUNT; n += 1) {
    const reply = await call(url, token, "POST", `/conversations/${direct.id}/messages`, {
      client_id: crypto.randomUUID(),
      text: `窗口消息 ${n} window`,
    });
    assert.equal(reply.status, 201);
  }
}

/** What the timeline holds in the DOM: message count, first and last number, window size. */
function domState(page) {
  return page.getByRole("log").evaluate((log) => {
    const numbers = [...log.querySelectorAll(".message__text")].map((t) => Number(/窗口消息 (\d+)/.exec(t.textContent)?.[1]));
    return { count: log.querySelectorAll("li.message").length, first: numbers[0], last: numbers.at(-1), window: Number(log.dataset.window) };
  });
}

/** Scrolls to the top until message 1 is in the page; checks the DOM never outgrows the window. */
async function scrollBackToTheFirstMessage(page) {
  const seen = new Set();
  for (let step = 0; step < 200; step += 1) {
    const state = await domState(page);
    assert.ok(state.count <= state.window, `${state.count} messages in the DOM, window ${state.window}`);
    seen.add(state.first);
    if (state.first === 1) return seen;
    await page.getByRole("log").evaluate((log) => (log.scrollTop = 0));
    await page.waitForFunction(
      (before) => {
        const first = document.querySelector("[role=log] .message__text");
        return first && !first.textContent.includes(`窗口消息 ${before} `);
      },
      state.first,
      { timeout: 15_000 },
    );
  }
  assert.fail("never reached the first message");
}

test("a 600-message chat renders a window, scrolls back to the start online and offline, and jumps to newest", async () => {
  await fillDirectChat(fixture.server.url);
  const b = await signedIn(fixture, "lisi");
  await b.chats.open("张三");
  await b.chats.timeline().getByText(`窗口消息 ${COUNT} window`).waitFor();
  const opened = await domState(b.page);
  assert.equal(opened.last, COUNT);
  assert.ok(opened.count <= opened.window);

  // The window moves without moving what is being read: the first message on screen before a
  // move is at the same place on screen after it.
  await b.page.getByRole("log").evaluate((log) => (log.scrollTop = 300));
  const before = await b.page.getByRole("log").evaluate((log) => {
    const first = log.querySelector("li.message");
    return { seq: first.dataset.seq, top: first.getBoundingClientRect().top };
  });
  await b.page.getByRole("log").evaluate((log) => (log.scrollTop = 0));
  await b.page.waitForFunction((seq) => document.querySelector("[role=log] li.message")?.dataset.seq !== seq, before.seq);
  await b.page.waitForTimeout(100);
  const movedBy = await b.page.getByRole("log").evaluate((log, seq) => {
    const same = log.querySelector(`li[data-seq="${seq}"]`);
    return { top: same.getBoundingClientRect().top, scrollTop: log.scrollTop };
  }, before.seq);
  assert.ok(movedBy.scrollTop > 0, "the view stayed on the message being read");
  assert.ok(Math.abs(movedBy.top - (before.top + 300)) < 4, `anchor moved from ${before.top + 300} to ${movedBy.top}`);

  const seen = await scrollBackToTheFirstMessage(b.page);
  assert.ok(seen.size > 5, "the window moved many times");
  const atStart = await domState(b.page);
  assert.ok(atStart.last < COUNT, "the newest messages left the DOM");
  await b.page.getByRole("button", { name: "Jump to newest ↓" }).click();
  await b.chats.timeline().getByText(`窗口消息 ${COUNT} window`).waitFor();
  assert.equal((await domState(b.page)).last, COUNT);
  assert.deepEqual(b.errors, []);

  // Offline, after a reload: the whole history comes back from the device, window by window.
  await b.context.setOffline(true);
  await b.page.reload();
  await b.chats.waitForList();
  await b.chats.open("张三");
  await b.chats.timeline().getByText(`窗口消息 ${COUNT} window`).waitFor();
  await scrollBackToTheFirstMessage(b.page);
  await b.context.close();
});
