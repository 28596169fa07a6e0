import { expect, type Page } from "@playwright/test";

export class ShopPage {
  constructor(private readonly page: Page) {}

  async addToCart(product: string, variant?: string, quantity = 1) {
    await this.page.goto("/");
    await this.page.getByRole("heading", { name: product }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: product })).toBeVisible();
    if (variant) await this.page.getByRole("radio", { name: variant }).check();
    if (quantity !== 1) await this.page.getByLabel("Quantity").fill(String(quantity));
    await this.page.getByRole("button", { name: "Add to cart" }).click();
    await expect(this.page.getByRole("status")).toContainText("to your cart");
  }

  async openCheckout() {
    await this.page.goto("/cart");
    await this.page.getByRole("button", { name: "Checkout" }).click();
    await expect(this.page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  }

  /** Adds an address on the checkout page if the shopper has none yet. */
  async ensureAddress() {
    if (await this.page.getByRole("radio", { name: /Street/ }).count()) return;
    await this.page.getByLabel("Receiver").fill("Pat Buyer");
    await this.page.getByLabel("Phone").fill("+1 555 0199");
    await this.page.getByLabel("Region").fill("Oregon");
    await this.page.getByLabel("Street address").fill("12 Elm Street");
    await this.page.getByRole("button", { name: "Save address" }).click();
    await expect(this.page.getByRole("radio", { name: /12 Elm Street/ })).toBeVisible();
  }
}
