import { expect, type Page } from "@playwright/test";

/** The admin's stock console at /admin. */
export class AdminConsole {
  constructor(readonly page: Page) {}

  goto() {
    return this.page.goto("/admin");
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
