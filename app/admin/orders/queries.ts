"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/app/api-client";
import type { AdminOrderView } from "@/lib/admin/orders";
import type { OrderStatus } from "@/db/schema";

const ordersKey = (status: OrderStatus | "") => ["admin", "orders", status] as const;

export function useAllOrders(status: OrderStatus | "") {
  return useQuery({
    queryKey: ordersKey(status),
    queryFn: () => api<{ orders: AdminOrderView[] }>(`/api/admin/orders${status ? `?status=${status}` : ""}`).then((d) => d.orders),
    refetchInterval: 10_000,
    refetchIntervalInBackground: false,
  });
}

/** Ship or complete an order from the overview; the list refreshes from the server afterwards. */
export function useOrderMove() {
  const qc = useQueryClient();
  return useMutation({
    // `number` only words the answer ("Order SR-7K3F92 shipped.").
    mutationFn: ({ orderId, move }: { orderId: string; number: string; move: "ship" | "complete" }) => api(`/api/admin/orders/${orderId}/${move}`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["admin", "orders"] }),
  });
}
