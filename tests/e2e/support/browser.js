// Launches Debian's Chromium through playwright-core (never a downloaded browser), with the
// flags this machine needs, and records console errors and CSP violations per page.
import { chromium } from "playwright-core";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const EXECUTABLE = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function launchBrowser() {
  return chromium.launch({ executablePath: EXECUTABLE, args: ARGS, headless: true });
}

/** A persistent profile (needed for PWA installability checks, which refuse incognito). */
export async function launchPersistent() {
  const profile = mkdtempSync(join(tmpdir(), "weft-profile-"));
  return chromium.launchPersistentContext(profile, { executablePath: EXECUTABLE, args: ARGS, headless: true, locale: "en-US" });
}

/** Collects console errors and page errors so tests can assert there were none. */
export function watchErrors(page) {
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return errors;
}
