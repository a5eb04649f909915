// Page objects: what a person does in the app, in the words of the UI (role and label locators).
import { DEMO_PASSWORD } from "./server.js";

export class SignInPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }

  async open() {
    await this.page.goto(`${this.baseUrl}/sign-in`);
    await this.page.getByLabel("Username").waitFor();
  }

  async signIn(username, password = DEMO_PASSWORD) {
    await this.page.getByLabel("Username").fill(username);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }

  formError() {
    return this.page.getByRole("alert").first();
  }
}

export class ChatsPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }

  list() {
    return this.page.getByRole("navigation", { name: "Chats" });
  }

  /** A conversation's row in the list: its link (named by the title), preview, time and unread count. */
  conversation(title) {
    return this.list().getByRole("listitem").filter({ has: this.page.getByRole("link", { name: title }) });
  }

  async waitForList() {
    await this.list().getByRole("link").first().waitFor();
  }

  async open(title) {
    await this.conversation(title).click();
    await this.page.getByRole("heading", { level: 2, name: title }).waitFor();
  }

  timeline() {
    return this.page.getByRole("log");
  }

  messageTexts() {
    return this.timeline().locator(".message__text").allTextContents();
  }

  async send(text) {
    await this.page.getByLabel("Message").fill(text);
    await this.page.getByLabel("Message").press("Enter");
  }

  connection() {
    return this.page.getByTestId("connection");
  }
}

/** Opens the Approvals page as a member does: Workbench in the main navigation, then its Approvals tile. */
export async function openApprovalsPage(page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Workbench/ }).click();
  await page.getByRole("list", { name: "Apps" }).getByRole("link", { name: /^Approvals/ }).click();
}
