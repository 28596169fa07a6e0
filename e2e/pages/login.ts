import { expect, type Page } from "@playwright/test";

export class LoginPage {
  constructor(private readonly page: Page) {}

  goto(next?: string) {
    return this.page.goto(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
  }

  async logIn(username: string, password: string) {
    await this.page.getByLabel("Username").fill(username);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Log in" }).click();
  }

  async register(username: string, password: string) {
    await this.page.goto("/register");
    await this.page.getByLabel("Username").fill(username);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Register" }).click();
  }

  /** Registers and waits until the header shows the new user (the session cookie has arrived). */
  async signUp(username = newUsername(), password = "password123") {
    await this.register(username, password);
    await expect(this.page.getByTestId("current-user")).toContainText(username);
    return username;
  }
}

export const newUsername = (prefix = "e2e") => `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
