// Messaging benchmark (prints figures; not a test), run through `cargo xtask bench`:
// - the server's change feed: pulling 10,000 changes over HTTP (changes/s);
// - the app catching up on 10,000 changes made while it was closed (opened again: the live socket
//   replays the feed from the saved cursor; changes applied to IndexedDB in batches);
// - first paint of a conversation holding 10,000 messages (navigation → messages on screen).
import { startServer, DEMO_PASSWORD } from "../support/server.js";
import { launchBrowser } from "../support/browser.js";

const COUNT = Number(process.env.WEFT_BENCH_MESSAGES ?? 10_000);

async function login(url, username) {
  const reply = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: DEMO_PASSWORD, device: "bench" }),
  });
  return reply.json();
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const sender = await login(server.url, "zhangsan");
  const reader = await login(server.url, "lisi");
  const auth = (token) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });
  const list = await (await fetch(`${server.url}/api/v1/conversations`, { headers: auth(sender.token) })).json();
  const direct = list.find((c) => c.title === "李四");

  // The reader's app is open and current, then closed.
  const context = await browser.newContext({ locale: "en-US" });
  const session = JSON.stringify({ token: reader.token, session_id: reader.session_id, me: reader.me });
  await context.addInitScript((value) => localStorage.setItem("weft.session", value), session);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator("[data-testid=connection][data-state=online]").waitFor({ timeout: 30_000 });
  const { cursor: before } = await (await fetch(`${server.url}/api/v1/sync/bootstrap`, { headers: auth(reader.token) })).json();
  await page.goto("about:blank");

  const sendStarted = performance.now();
  const last = `bench message ${COUNT}`;
  const post = (text) =>
    fetch(`${server.url}/api/v1/conversations/${direct.id}/messages`, {
      method: "POST",
      headers: auth(sender.token),
      body: JSON.stringify({ client_id: crypto.randomUUID(), text }),
    });
  for (let n = 1; n < COUNT; n += 20) {
    const size = Math.min(20, COUNT - n);
    await Promise.all(Array.from({ length: size }, (_, k) => post(`bench message ${n + k} 性能测试`)));
  }
  // The last one alone, so it is surely the newest.
  await post(last);
  const sendMs = performance.now() - sendStarted;

  const pullStarted = performance.now();
  let after = before;
  let pulled = 0;
  for (;;) {
    const page = await (await fetch(`${server.url}/api/v1/changes?after=${after}&limit=500`, { headers: auth(reader.token) })).json();
    pulled += page.changes.length;
    after = page.cursor;
    if (!page.has_more) break;
  }
  const pullMs = performance.now() - pullStarted;

  const syncStarted = performance.now();
  await page.goto(server.url);
  await page.getByRole("navigation", { name: "Chats" }).getByText(last).waitFor({ timeout: 300_000 });
  const syncMs = performance.now() - syncStarted;

  await page.goto(`${server.url}/c/${direct.id}`);
  await page.getByRole("log").getByText(last).waitFor({ timeout: 60_000 });
  const paintMs = await page.evaluate(() => performance.now());

  console.log(`\nmessaging (${COUNT} messages in one conversation, loopback):`);
  console.log(`  sending through the API (20 in flight)       ${sendMs.toFixed(0).padStart(7)} ms  (${(COUNT / (sendMs / 1000)).toFixed(0)} messages/s)`);
  console.log(`  server feed: pulling ${pulled} changes over HTTP ${pullMs.toFixed(0).padStart(7)} ms  (${(pulled / (pullMs / 1000)).toFixed(0)} changes/s)`);
  console.log(`  app opened again, catching up on all of them ${syncMs.toFixed(0).padStart(7)} ms  (${(COUNT / (syncMs / 1000)).toFixed(0)} changes/s)`);
  console.log(`  first paint of the ${COUNT}-message chat       ${paintMs.toFixed(0).padStart(7)} ms  (navigation → newest messages on screen)`);
  await context.close();
} finally {
  await browser.close();
  await server.stop();
  server.cleanup();
}
