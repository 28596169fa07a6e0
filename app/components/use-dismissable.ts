"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState, type RefObject } from "react";

/**
 * The open/closed state of a menu that closes itself on navigation, on Escape and on a click
 * outside `ref`'s element: the header's menu and the console's navigation on a phone.
 */
export function useDismissable<T extends HTMLElement>(): { open: boolean; setOpen: (open: boolean | ((o: boolean) => boolean)) => void; ref: RefObject<T | null> } {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const ref = useRef<T>(null);
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onClick = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("click", onClick);
    };
  }, [open]);
  return { open, setOpen, ref };
}
