// Shared set-up for end-to-end test files: one real server (fresh database) and one browser per
// file, started before the file's tests and stopped after them.
import { before, after } from "node:test";
import { startServer } from "./server.js";
import { launchBrowser, watchErrors } from "./browser.js";
import { SignInPage, ChatsPage } from "./pages.js";

/**
 * Registers before/after hooks; the returned object's `server` and `browser` are set once the
 * hooks ran. A test may replace `server` (e.g. after a restart); `after` stops whichever is current.
 */
export function useServerAndBrowser({ launch = launchBrowser } = {}) {
  const fixture = { server: null, browser: null };
  before(async () => {
    fixture.server = await startServer();
    fixture.browser = await launch();
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.server?.stop();
    fixture.server?.cleanup();
  });
  return fixture;
}

/** A new browser context signed in as `username`, with its chat list on screen. */
export async function signedIn(fixture, username) {
  const context = await fixture.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const signIn = new SignInPage(page, fixture.server.url);
  await signIn.open();
  await signIn.signIn(username);
  const chats = new ChatsPage(page, fixture.server.url);
  await chats.waitForList();
  return { context, page, chats, errors };
}
