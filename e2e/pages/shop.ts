import { expect, type Page } from "@playwright/test";

/** The shopper's path from a product page to a placed order, by role and label like a person would. */
export class ShopPage {
  constructor(private readonly page: Page) {}

  async openProduct(product: string, variant: string) {
    await this.page.goto("/");
    await this.page.getByRole("heading", { name: product }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: product })).toBeVisible();
    await this.page.getByRole("radio", { name: variant }).check();
  }

  /** The "N available" figure shown for the selected variant (only shown above the low-stock mark). */
  async available(): Promise<number> {
    const text = await this.page.getByText(/^\d+ available$/).textContent();
    return Number(text!.split(" ")[0]);
  }

  async addToCart(quantity: number) {
    await this.page.getByRole("spinbutton", { name: "Quantity" }).fill(String(quantity));
    await this.page.getByRole("button", { name: "Add to cart" }).click();
    await expect(this.page.getByRole("status").filter({ hasText: "to your cart" })).toBeVisible();
  }

  /** Checks out the selected cart lines with a new address; returns the new order's id. */
  async checkout(payMethod: "Pay online" | "Cash on delivery"): Promise<string> {
    await this.page.goto("/cart");
    await this.page.getByRole("button", { name: "Checkout" }).click();
    await expect(this.page.getByRole("heading", { name: "Checkout" })).toBeVisible();
    await this.page.getByLabel("Receiver").fill("E2E Buyer");
    await this.page.getByLabel("Phone").fill("+1 555 0199");
    await this.page.getByLabel("Region").fill("Testland");
    await this.page.getByLabel("Street address").fill("1 Playwright Way");
    await this.page.getByRole("button", { name: "Save address" }).click();
    await expect(this.page.getByRole("radio", { name: /E2E Buyer, 1 Playwright Way/ })).toBeChecked();
    await this.page.getByRole("radio", { name: payMethod }).check();
    await this.page.getByRole("button", { name: "Place order" }).click();
    await expect(this.page).toHaveURL(/\/orders\/[0-9A-Z]{26}$/);
    return this.page.url().split("/").pop()!;
  }
}
