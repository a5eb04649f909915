// Directory benchmark (prints figures; not a test), run through `cargo xtask bench`:
// - bootstrap: a member's app, signed in for the first time on a device, downloads the visible
//   directory of 20,000 members, seals every card into IndexedDB and shows the head count;
// - search: latency per keystroke in the directory's search box over those 20,000 members
//   (input event → results list redrawn), median and p99 over a few hundred keystrokes typed as
//   people type them (pinyin, initials, Chinese, accounts).
import { startServer } from "../support/server.js";
import { launchBrowser } from "../support/browser.js";
import { login, call } from "../support/api.js";

const TOTAL = Number(process.env.WEFT_BENCH_MEMBERS ?? 20_000);
const ROOT = "织锦科技 Weft Demo Co.";
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明"];
const DEPARTMENTS = ["市场部 Sales & Marketing", "人事部 HR", "财务部 Finance", "研发部 Engineering/后端组 Backend"];

function csv(count) {
  const rows = ["userid,name,position,mobile,email,departments"];
  for (let n = 0; n < count; n += 1) {
    const name = SURNAMES[n % 16] + GIVEN[Math.floor(n / 16) % 16] + GIVEN[Math.floor(n / 256) % 16];
    rows.push(`bench${n},${name},职员 Staff,136${String(n).padStart(8, "0")},bench${n}@bench.example,${ROOT}/${DEPARTMENTS[n % 4]}`);
  }
  return rows.join("\n") + "\n";
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const admin = await login(server.url, "admin");
  const existing = (await call(server.url, admin.token, "GET", "/directory")).body.members.length;
  const imported = await call(server.url, admin.token, "POST", "/admin/members/import", csv(TOTAL - existing), "text/csv");
  if (imported.status !== 200) throw new Error(`import failed: ${JSON.stringify(imported.body).slice(0, 500)}`);

  const member = await login(server.url, "lisi");
  const context = await browser.newContext({ locale: "en-US" });
  const session = JSON.stringify({ token: member.token, session_id: member.session_id, me: member.me });
  await context.addInitScript((value) => localStorage.setItem("weft.session", value), session);
  const page = await context.newPage();
  await page.goto(`${server.url}/directory`);
  await page.waitForFunction(
    (total) => Number(document.querySelector("[data-testid=directory-count]")?.textContent.replace(/\D/g, "")) >= total,
    TOTAL,
    { timeout: 300_000 },
  );
  const bootstrapMs = await page.evaluate(() => performance.now());

  const words = ["zhang", "wangwei", "lmj", "zs", "bench1234", "陈静", "赵", "liuyang", "hr", "sales", "13600001", "zhouming"];
  const latencies = await page.evaluate(async (queries) => {
    const input = document.getElementById("directory-search");
    const results = [];
    // Resolves once the results list says it shows `query` (set in the same redraw as the list).
    const redrawn = (query) =>
      new Promise((resolve) => {
        const check = () => document.getElementById("directory-results")?.dataset.resultsFor === query;
        const observer = new MutationObserver(() => {
          if (check()) {
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(document.querySelector(".directory__body"), { attributes: true, childList: true, subtree: true });
      });
    for (let round = 0; round < 3; round += 1) {
      for (const word of queries) {
        for (let end = 1; end <= word.length; end += 1) {
          input.value = word.slice(0, end);
          const started = performance.now();
          const done = redrawn(input.value);
          input.dispatchEvent(new Event("input", { bubbles: true }));
          await done;
          results.push(performance.now() - started);
        }
        input.value = "";
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    return results;
  }, words);
  latencies.sort((a, b) => a - b);

  console.log(`\ndirectory (${TOTAL} members visible to the member, loopback):`);
  console.log(`  first start: download, seal into IndexedDB, show  ${bootstrapMs.toFixed(0).padStart(7)} ms  (navigation → head count on screen)`);
  console.log(
    `  search per keystroke over ${TOTAL} (${latencies.length} keystrokes)  median ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms`,
  );
  await context.close();
} finally {
  await browser.close();
  await server.stop();
  server.cleanup();
}
