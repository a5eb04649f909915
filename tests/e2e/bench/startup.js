// Start-up benchmark (prints figures; not a test): time from navigation to an interactive
// conversation list, cold (first visit: nothing cached) and warm offline (service worker and
// IndexedDB only, network cut). Run through `cargo xtask bench`.
import { startServer, DEMO_PASSWORD } from "../support/server.js";
import { launchBrowser } from "../support/browser.js";

const RUNS = Number(process.env.WEFT_BENCH_RUNS ?? 7);

function summary(label, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `  ${label.padEnd(34)} median ${median.toFixed(0).padStart(5)} ms   min ${sorted[0].toFixed(0).padStart(5)} ms   max ${sorted[sorted.length - 1].toFixed(0).padStart(5)} ms   (n=${sorted.length})`,
  );
}

/** Milliseconds from navigation start until the first conversation link is on screen. */
async function timeToList(page) {
  await page.locator(".conversation-link").first().waitFor({ timeout: 30_000 });
  return page.evaluate(() => performance.now());
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "zhangsan", password: DEMO_PASSWORD, device: "bench" }),
  }).then((r) => r.json());
  const session = JSON.stringify({ token: login.token, session_id: login.session_id, me: login.me });

  const cold = [];
  const warm = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ locale: "en-US" });
    await context.addInitScript((value) => localStorage.setItem("weft.session", value), session);
    const page = await context.newPage();
    await page.goto(server.url);
    cold.push(await timeToList(page));
    // Let the service worker finish precaching and the device copy fill.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForTimeout(500);
    await context.setOffline(true);
    await page.reload();
    warm.push(await timeToList(page));
    await context.close();
  }
  console.log("\nnavigation → interactive conversation list (headless Chromium, loopback):");
  summary("cold (nothing cached, online)", cold);
  summary("warm (offline: service worker + IDB)", warm);
} finally {
  await browser.close();
  await server.stop();
  server.cleanup();
}
