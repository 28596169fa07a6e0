"use client";

import { useEffect, useRef } from "react";

/**
 * The price, stock, countdown, quantity, button and "Added": in the page's flow on a wide screen,
 * a bar held at the bottom of the screen on a phone (globals.css `.buy-bar`), so the button is on
 * the first screen however tall the picture above it. The page is padded by the bar's height as
 * it is now (it grows with "Added" or an error), so the bar never covers the end of the page.
 */
export function BuyBar({ children }: { children: React.ReactNode }) {
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = bar.current;
    if (!el) return;
    const root = document.documentElement;
    const pad = () => root.style.setProperty("--buy-bar-h", getComputedStyle(el).position === "fixed" ? `${el.offsetHeight}px` : "0px");
    const seen = new ResizeObserver(pad);
    seen.observe(el);
    window.addEventListener("resize", pad);
    return () => {
      seen.disconnect();
      window.removeEventListener("resize", pad);
      root.style.removeProperty("--buy-bar-h");
    };
  }, []);
  return (
    <div ref={bar} className="buy-bar" data-testid="buy-bar">
      {children}
    </div>
  );
}
