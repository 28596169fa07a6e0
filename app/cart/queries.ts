"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CartView } from "@/lib/cart/service";
import { toCents, toDecimal } from "@/lib/money";
import { api } from "@/app/api-client";

export const CART_KEY = ["cart"] as const;

export function useCart() {
  return useQuery({ queryKey: CART_KEY, queryFn: () => api<CartView>("/api/cart") });
}

const CART_CHANGE = ["cart-change"] as const;

/**
 * Every mutation answers with the whole cart. Changes run one at a time (one scope), in click
 * order, and only the last one's answer replaces the cache: an earlier answer arriving while
 * later clicks are pending would overwrite their optimistic counts, and the next click would
 * count from a stale number.
 */
function useCartMutation<V>(request: (vars: V) => Promise<CartView>, optimistic?: (cart: CartView, vars: V) => CartView) {
  const qc = useQueryClient();
  const last = () => qc.isMutating({ mutationKey: CART_CHANGE }) === 1;
  return useMutation({
    mutationKey: CART_CHANGE,
    scope: { id: "cart" },
    mutationFn: request,
    onMutate: async (vars: V) => {
      if (!optimistic) return { previous: undefined };
      await qc.cancelQueries({ queryKey: CART_KEY });
      const previous = qc.getQueryData<CartView>(CART_KEY);
      if (previous) qc.setQueryData(CART_KEY, optimistic(previous, vars));
      return { previous };
    },
    onError: (_e, _vars, ctx) => {
      if (!last()) return;
      if (ctx?.previous) qc.setQueryData(CART_KEY, ctx.previous);
      void qc.invalidateQueries({ queryKey: CART_KEY });
    },
    onSuccess: (cart) => {
      if (last()) qc.setQueryData(CART_KEY, cart);
    },
  });
}

/** An optimistic view: the server's answer replaces it, with the cart's new revision. */
function totals(items: CartView["items"], revision: string): CartView {
  const chosen = items.filter((i) => i.selected);
  return {
    revision,
    items,
    selectedCount: chosen.reduce((n, i) => n + i.count, 0),
    selectedTotal: toDecimal(chosen.reduce((sum, i) => sum + toCents(i.price) * i.count, 0)),
  };
}

export const useAddToCart = () =>
  useCartMutation((v: { skuId: number; count: number }) => api<CartView>("/api/cart/items", { method: "POST", body: v }));

export const useUpdateCartItem = () =>
  useCartMutation(
    ({ skuId, ...change }: { skuId: number; count?: number; selected?: boolean }) =>
      api<CartView>(`/api/cart/items/${skuId}`, { method: "PUT", body: change }),
    (cart, { skuId, ...change }) => totals(cart.items.map((i) => (i.skuId === skuId ? { ...i, ...change } : i)), cart.revision),
  );

export const useRemoveCartItem = () =>
  useCartMutation(
    (skuId: number) => api<CartView>(`/api/cart/items/${skuId}`, { method: "DELETE" }),
    (cart, skuId) => totals(cart.items.filter((i) => i.skuId !== skuId), cart.revision),
  );

export const useSelectAll = () =>
  useCartMutation(
    (selected: boolean) => api<CartView>("/api/cart/selection", { method: "PUT", body: { selected } }),
    (cart, selected) => totals(cart.items.map((i) => ({ ...i, selected })), cart.revision),
  );
