import type { MailKind } from "@/db/schema";

/** The kinds about an order (`back_in_stock` is about a variant: BackInStockEmail.tsx). */
export type OrderMailKind = Exclude<MailKind, "back_in_stock">;

/** Each kind's subject and opening words; the order number is filled in. */
export const COPY: Record<OrderMailKind, { subject: (n: string) => string; headline: string; intro: string }> = {
  order_created: {
    subject: (n) => `Your order ${n} is placed`,
    headline: "Thank you for your order",
    intro: "We have your order and its units are set aside for you.",
  },
  order_paid: {
    subject: (n) => `Payment received for ${n}`,
    headline: "Payment received",
    intro: "Your payment went through. We will let you know when your order ships.",
  },
  order_shipped: {
    subject: (n) => `Your order ${n} has shipped`,
    headline: "Your order is on its way",
    intro: "Your order has left our warehouse.",
  },
  order_cancelled: {
    subject: (n) => `Your order ${n} is cancelled`,
    headline: "Your order is cancelled",
    intro: "Your order was cancelled and nothing will be charged or shipped.",
  },
  order_expired: {
    subject: (n) => `Your order ${n} expired unpaid`,
    headline: "Your order expired",
    intro: "The time to pay this order ran out, so it was cancelled and its units went back on sale.",
  },
};
