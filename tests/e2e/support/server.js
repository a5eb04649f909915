// Starts the real Weft server (the binary `cargo xtask test` built) on a free port with a fresh
// data folder, and stops or kills it. Each test file gets its own server and database.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = process.env.WEFT_SERVER_BIN ?? "target/debug/weft-server";
const DIST = process.env.WEFT_DIST ?? "dist";

export const DEMO_PASSWORD = "weft-demo";

/**
 * Starts a server; resolves once it prints its address. `dataDir` reuses a folder (restart),
 * `port` a port (same origin), `dist` serves another build.
 */
export async function startServer({ dataDir, port = 0, dist = DIST } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "weft-e2e-"));
  const child = spawn(BIN, ["--demo", "--addr", `127.0.0.1:${port}`, "--data-dir", dir, "--dist", dist], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" },
  });
  let log = "";
  child.stderr.on("data", (chunk) => (log += chunk));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${log}`)), 30_000);
    child.stdout.on("data", (chunk) => {
      log += chunk;
      const match = /running at (http:\/\/[^\s/]+)\//.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  return {
    url,
    dataDir: dir,
    log: () => log,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
