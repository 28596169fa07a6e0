"use client";

import { useDismissable } from "@/app/components/use-dismissable";

/**
 * The header's links: in a row on a wide screen; on a narrow one behind a "Menu" button, so the
 * header stays one row. The links are rendered once either way (CSS decides), and the menu
 * closes on navigation, on Escape and on a click elsewhere.
 */
export function HeaderMenu({ children }: { children: React.ReactNode }) {
  const { open, setOpen, ref } = useDismissable<HTMLDivElement>();
  return (
    <div ref={ref} className="menu">
      <button type="button" className="menu-button" aria-expanded={open} aria-controls="site-menu" onClick={() => setOpen((o) => !o)}>
        <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
          <path d="M3 5h14M3 10h14M3 15h14" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        <span>Menu</span>
      </button>
      <div id="site-menu" className="menu-panel" data-open={open}>
        {children}
      </div>
    </div>
  );
}
