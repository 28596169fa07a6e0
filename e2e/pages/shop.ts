import { expect, type Page } from "@playwright/test";

/** The shopper's path from a product page to a placed order, by role and label like a person would. */
export class ShopPage {
  constructor(private readonly page: Page) {}

  async openProduct(product: string, variant?: string) {
    await this.page.goto("/");
    await this.page.getByRole("heading", { name: product }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: product })).toBeVisible();
    if (variant) await this.page.getByRole("radio", { name: variant }).check();
  }

  /**
   * The product page of a variant a spec just made, that variant selected. The front may still
   * hand out a copy from before the variant existed while another request refreshes it (stale
   * while updating), so the page is loaded again until the variant is on it.
   */
  async openVariant(sku: { spuId: number; name: string }) {
    await expect(async () => {
      await this.page.goto(`/products/${sku.spuId}`);
      await expect(this.page.getByRole("radio", { name: sku.name })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 10_000 });
    await this.page.getByRole("radio", { name: sku.name }).check();
  }

  /** The "N available" figure shown for the selected variant (only shown above the low-stock mark). */
  async available(): Promise<number> {
    const text = await this.page.getByText(/^\d+ available$/).textContent();
    return Number(text!.split(" ")[0]);
  }

  /** Adds the variant open on the product page. */
  async addSelectedToCart(quantity = 1) {
    await this.page.getByRole("spinbutton", { name: "Quantity" }).fill(String(quantity));
    await this.page.getByRole("button", { name: "Add to cart" }).click();
    await expect(this.page.getByRole("status").filter({ hasText: "to your cart" })).toBeVisible();
  }

  async addToCart(product: string, variant?: string, quantity = 1) {
    await this.openProduct(product, variant);
    await this.addSelectedToCart(quantity);
  }

  async openCheckout() {
    await this.page.goto("/cart");
    await this.page.getByRole("button", { name: "Checkout" }).click();
    await expect(this.page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  }

  /** Adds an address on the checkout page if the shopper has none yet. */
  async ensureAddress() {
    if (await this.page.getByRole("radio", { name: /12 Elm Street/ }).count()) return;
    await this.page.getByLabel("Full name").fill("Pat Buyer");
    await this.page.getByLabel("E-mail").fill("pat@example.com");
    await this.page.getByLabel("Phone").fill("+1 555 0199");
    await this.page.getByLabel("Address line 1").fill("12 Elm Street");
    await this.page.getByLabel("City").fill("Portland");
    await this.page.getByLabel("State / region (optional)").fill("Oregon");
    await this.page.getByLabel("Postcode").fill("97201");
    await this.page.getByRole("button", { name: "Save address" }).click();
    await expect(this.page.getByRole("radio", { name: /12 Elm Street/ })).toBeChecked();
  }

  /** Checks out the selected cart lines; returns the new order's id. */
  async checkout(payMethod: "Pay online" | "Cash on delivery"): Promise<string> {
    await this.openCheckout();
    await this.ensureAddress();
    await this.page.getByRole("radio", { name: payMethod }).check();
    await this.page.getByRole("button", { name: "Place order" }).click();
    await expect(this.page).toHaveURL(/\/orders\/[0-9A-Z]{26}$/);
    return this.page.url().split("/").pop()!;
  }
}
