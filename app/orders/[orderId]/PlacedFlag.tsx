"use client";

import { useEffect } from "react";
import { PLACED_COOKIE } from "@/app/components/placed-cookie";

/** The greeting shows once: the flag the checkout set is cleared as soon as the page has shown it. */
export function ClearPlacedFlag() {
  useEffect(() => {
    document.cookie = `${PLACED_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
  }, []);
  return null;
}
