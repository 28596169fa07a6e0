"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { CART_KEY } from "./queries";

/** Rendered where the server just changed the cart (after an order), so the header count follows. */
export function RefreshCart() {
  const qc = useQueryClient();
  useEffect(() => {
    void qc.invalidateQueries({ queryKey: CART_KEY });
  }, [qc]);
  return null;
}
