// Issue #15's acceptance for Weft's own API: the OpenAPI document the server serves validates
// (openapi-spec-validator), a property-based API fuzzer driven by it (schemathesis, from PyPI)
// finds no 5xx on any operation, signed in as an administrator, and an administrator finds the
// rendered reference from the console by its label. `cargo xtask test` makes the Python
// environment (target/api-tools) and names it in WEFT_API_TOOLS_PYTHON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { login } from "./support/api.js";

const fixture = useServerAndBrowser();
const PYTHON = process.env.WEFT_API_TOOLS_PYTHON ?? "target/api-tools/bin/python";
// Fixed so a failure reproduces; set WEFT_FUZZ_SEED to explore other inputs.
const SEED = process.env.WEFT_FUZZ_SEED ?? "20261201";

function python(args, options = {}) {
  return spawnSync(PYTHON, args, {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
}

/** Runs schemathesis with its no-5xx check over the document's operations; returns its output. */
function fuzz(url, token, filters) {
  const run = python(
    [
      "tests/sdk/fuzz_api.py",
      "run",
      `${url}/api/v1/openapi.json`,
      "--url",
      `${url}/api/v1`,
      "--header",
      `Authorization: Bearer ${token}`,
      "--checks",
      "not_a_server_error",
      "--phases",
      "examples,coverage,fuzzing",
      "--max-examples",
      "12",
      "--seed",
      SEED,
      "--workers",
      "2",
      "--no-color",
      ...filters,
    ],
    { timeout: 600_000 },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  assert.equal(run.status, 0, `schemathesis found problems (seed ${SEED}):\n${output.slice(-20_000)}`);
  assert.match(output, /Test cases:\s*\n\s*\d+ generated, \d+ passed/, output.slice(-5000));
  return output;
}

test("an administrator finds the API reference from the console, and it lists the operations", async () => {
  const admin = await signedIn(fixture, "admin");
  const { page } = admin;
  await page.goto(`${fixture.server.url}/admin/integrations`);
  const link = page.getByRole("link", { name: "Weft API reference" });
  await link.waitFor();
  assert.equal(await link.getAttribute("href"), "/api/reference");
  await page.goto(`${fixture.server.url}/api/reference`);
  await page.getByRole("heading", { level: 1, name: /Weft workspace API reference/ }).waitFor();
  await page.getByRole("link", { name: /Download the OpenAPI document/ }).waitFor();
  await page.getByRole("navigation", { name: /Contents/ }).getByRole("link", { name: "conversations" }).click();
  await page.getByRole("heading", { level: 3, name: "GET /api/v1/conversations", exact: true }).waitFor();
  const send = page.getByRole("article", { name: "POST /api/v1/conversations/{id}/messages", exact: true });
  await send.getByRole("table", { name: /Parameters/ }).waitFor();
  await send.getByRole("link", { name: "SendMessageRequest", exact: true }).click();
  await page.getByRole("heading", { level: 3, name: "SendMessageRequest", exact: true }).waitFor();
  // No horizontal overflow on a phone.
  await page.setViewportSize({ width: 360, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page overflows by ${overflow}px at 360px`);
  await admin.context.close();
});

// Last: the fuzzer changes the demo organisation as it goes (it disables, deletes, signs out).
test("the served OpenAPI document validates, and a fuzzer driven by it finds no 5xx", async () => {
  assert.ok(existsSync(PYTHON), `no API tools environment at ${PYTHON}: run \`cargo xtask test\` once to make it`);
  const url = fixture.server.url;
  const response = await fetch(`${url}/api/v1/openapi.json`);
  assert.equal(response.status, 200);
  const text = await response.text();
  const document = JSON.parse(text);
  const folder = mkdtempSync(join(tmpdir(), "weft-openapi-"));
  try {
    const file = join(folder, "openapi.json");
    writeFileSync(file, text);
    const validated = python(["-m", "openapi_spec_validator", file]);
    assert.equal(validated.status, 0, `the document does not validate:\n${validated.stdout}\n${validated.stderr}`);

    // Operations that end the fuzzer's own session (it may learn its session's id from an answer)
    // are fuzzed last, on a session of their own, so the rest run signed in.
    const sessionEnding = [
      "POST /auth/logout",
      "POST /auth/sessions/sign-out-others",
      "DELETE /auth/sessions/{id}",
      "POST /auth/password",
      "DELETE /admin/sessions/{id}",
      "POST /admin/sessions/{id}/wipe",
      "DELETE /admin/members/{id}/sessions",
      "POST /admin/members/{id}/password",
      "POST /admin/members/{id}/disable",
      "DELETE /admin/members/{id}",
    ];
    const described = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const name of sessionEnding) assert.ok(described.includes(name), `${name} is not described`);
    // Compliance archives are the auditor's alone (an administrator gets 403): fuzzed as 黄丽.
    const auditorOnly = ["GET /admin/archives/conversations", "POST /admin/archives"];
    for (const name of auditorOnly) assert.ok(described.includes(name), `${name} is not described`);
    // First, while the demo organisation is as seeded (the other runs change it as they go).
    const archives = fuzz(url, (await login(url, "huangli")).token, auditorOnly.flatMap((name) => ["--include-name", name]));
    const first = fuzz(url, (await login(url, "admin")).token, [
      ...sessionEnding.flatMap((name) => ["--exclude-name", name]),
      ...auditorOnly.flatMap((name) => ["--exclude-name", name]),
      // The live socket is a WebSocket, not HTTP.
      "--exclude-name",
      "GET /live",
    ]);
    const second = fuzz(url, (await login(url, "admin")).token, sessionEnding.flatMap((name) => ["--include-name", name]));
    // Signed in throughout: the only operation that answered nothing but 401/403 is the signed
    // file link, which the fuzzer cannot sign (a wrong signature is 403 by design).
    const refusedOnly = /Authentication failed:[^\n]*\n([\s\S]*?)💡/.exec(first)?.[1] ?? "";
    const refusedOperations = [...refusedOnly.matchAll(/^\s*- (\S+ \S+)/gm)].map((match) => match[1]);
    assert.ok(refusedOperations.every((name) => name === "GET /files/{id}"), refusedOnly);
    const tested = (output) => Number(/Tested:\s*(\d+)/.exec(output)?.[1] ?? 0);
    assert.equal(tested(first), described.length - sessionEnding.length - auditorOnly.length - 1, first.slice(-5000));
    assert.equal(tested(second), sessionEnding.length, second.slice(-5000));
    assert.equal(tested(archives), auditorOnly.length, archives.slice(-5000));
    assert.ok(!/Authentication failed:/.test(archives), archives.slice(-5000));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
