// Issue #15's acceptance: a real WeCom SDK from the package registries (wechatpy 1.8.18, with its
// base URL changed) drives Weft's WeCom-compatible API — departments, members, messages with
// `invaliduser`, app chats, approvals and WeCom's error codes (tests/sdk/wecom_sdk.py) — and the
// message it sends shows up in the recipient's open app. `cargo xtask test` makes the Python
// environment of the API tools (target/api-tools) and names it in WEFT_API_TOOLS_PYTHON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();
const PYTHON = process.env.WEFT_API_TOOLS_PYTHON ?? "target/api-tools/bin/python";

test("wechatpy drives the WeCom-compatible API, and its message reaches the member's open app", async () => {
  assert.ok(existsSync(PYTHON), `no API tools environment at ${PYTHON}: run \`cargo xtask test\` once to make it`);
  const url = fixture.server.url;
  const admin = await login(url, "admin");
  const apps = await call(url, admin.token, "GET", "/admin/integration-apps");
  const demo = apps.body.apps.find((app) => app.name === "演示 ERP Demo ERP");
  const templates = await call(url, admin.token, "GET", "/approvals/templates");
  const leave = templates.body.find((template) => template.name === "请假 Leave");
  const a = await signedIn(fixture, "zhangsan");

  const message = "来自 wechatpy 的消息 · Sent by a WeCom SDK";
  const run = spawnSync(PYTHON, ["tests/sdk/wecom_sdk.py"], {
    encoding: "utf8",
    timeout: 120_000,
    env: {
      ...process.env,
      WEFT_URL: url,
      WEFT_CORP_ID: apps.body.corp_id,
      WEFT_AGENT_ID: String(demo.agent_id),
      WEFT_SECRET: "weft-demo-erp-secret",
      WEFT_LEAVE_TEMPLATE: leave.id,
      WEFT_SDK_MESSAGE: message,
    },
  });
  assert.equal(run.status, 0, `the SDK run failed:\n${run.stdout}\n${run.stderr}`);
  for (const part of ["gettoken", "departments", "members", "messages", "app chats", "approvals"]) {
    assert.match(run.stdout, new RegExp(`ok - ${part}`));
  }

  // zhangsan, who had the app open on the chat list, sees the SDK's messages arrive.
  await a.chats.conversation("演示 ERP Demo ERP").waitFor({ timeout: 10_000 });
  await a.chats.open("演示 ERP Demo ERP");
  await a.chats.timeline().getByText(message).waitFor();
  await a.chats.timeline().locator("strong", { hasText: "SDK" }).waitFor();
  // The app chat it made is an ordinary group for its members.
  await a.chats.conversation("SDK 群 二期").waitFor({ timeout: 10_000 });
  await a.chats.open("SDK 群 二期");
  await a.chats.timeline().getByText("群消息 from the SDK").waitFor();
  await a.context.close();
});
