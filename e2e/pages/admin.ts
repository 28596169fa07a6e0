import { expect, type Page } from "@playwright/test";

/** The console's rooms, as the navigation names them. */
export type Room = "Home" | "Products" | "Stock" | "Orders" | "E-mails" | "Drops" | "Locations";

/** The admin's console: the stock room (/admin/stock) by default, any room through the navigation. */
export class AdminConsole {
  constructor(readonly page: Page) {}

  goto(path = "/admin/stock") {
    return this.page.goto(path);
  }

  /** Moves to a room through the console's navigation (its menu first, where the screen folds it away). */
  async open(room: Room) {
    const nav = this.page.getByRole("navigation", { name: "Console" });
    const menu = nav.getByRole("button", { name: "Console menu" });
    if (await menu.isVisible()) await menu.click();
    await nav.getByRole("link", { name: room, exact: true }).click();
    // By attribute, not role: on a phone the menu has folded away again, and its links with it.
    await expect(nav.locator("a[aria-current='page']")).toHaveText(room);
    await expect(this.page.getByRole("heading", { level: 1 })).toHaveText(room);
  }

  /** Narrows the table to one SKU and returns its row. */
  async row(label: string) {
    await this.page.getByRole("searchbox", { name: "Filter" }).fill(label);
    const row = this.page.getByRole("table", { name: "Stock by SKU" }).getByRole("row", { name: new RegExp(`^${label}`) });
    await expect(row).toHaveCount(1);
    return row;
  }

  stockOf(label: string) {
    return this.page.getByRole("table", { name: "Stock by SKU" }).getByRole("row", { name: new RegExp(`^${label}`) }).getByTestId("stock");
  }

  async adjust(label: string, delta: string, reason: string) {
    const form = this.page.getByRole("form", { name: `Adjust stock of ${label}` });
    if (!(await form.isVisible())) await this.page.getByRole("button", { name: `Manage ${label}` }).click();
    await form.getByLabel("Delta").fill(delta);
    await form.getByLabel("Reason").fill(reason);
    await form.getByRole("button", { name: "Apply adjustment" }).click();
    return form;
  }
}
