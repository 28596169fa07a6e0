import type { OrderStatus } from "@/db/schema";

export const STATUS_LABEL: Record<OrderStatus, string> = {
  unpaid: "Awaiting payment",
  awaiting_shipment: "Awaiting shipment",
  paid: "Paid",
  shipped: "Shipped",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const STATUS_BADGE: Record<OrderStatus, "in_stock" | "low" | "sold_out"> = {
  unpaid: "low",
  awaiting_shipment: "low",
  paid: "in_stock",
  shipped: "in_stock",
  completed: "in_stock",
  cancelled: "sold_out",
};
