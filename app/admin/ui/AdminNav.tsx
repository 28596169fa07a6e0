"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useDismissable } from "@/app/components/use-dismissable";

type Room = { href: string; label: string; icon: React.ReactNode };

const icon = (d: string) => (
  <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
    <path d={d} />
  </svg>
);

/** The console's rooms, in the order a shop owner works through them. */
export const ROOMS: Room[] = [
  { href: "/admin", label: "Home", icon: icon("M3 9.5 10 4l7 5.5V16a1 1 0 0 1-1 1h-3.5v-4.5h-5V17H4a1 1 0 0 1-1-1z") },
  { href: "/admin/products", label: "Products", icon: icon("M10 2.8 3.5 6v8L10 17.2 16.5 14V6zM3.5 6 10 9.2 16.5 6M10 9.2v8") },
  { href: "/admin/stock", label: "Stock", icon: icon("M3 16.5h14M5 16.5v-6h4v6M11 16.5v-10h4v10") },
  { href: "/admin/orders", label: "Orders", icon: icon("M5 3h10v14l-2.5-1.5L10 17l-2.5-1.5L5 17zM8 7h4M8 10.5h4") },
  { href: "/admin/emails", label: "E-mails", icon: icon("M3 5h14v10H3zM3 5l7 6 7-6") },
  { href: "/admin/drops", label: "Drops", icon: icon("M11 2.5 4.5 11H10l-1 6.5L15.5 9H10z") },
  { href: "/admin/locations", label: "Locations", icon: icon("M10 17.5s5.5-5 5.5-9.5a5.5 5.5 0 0 0-11 0c0 4.5 5.5 9.5 5.5 9.5zM10 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4z") },
];

/** Home only on /admin itself; every other room on its own path and everything under it (/admin/drops/12). */
export const isCurrent = (href: string, pathname: string) => (href === "/admin" ? pathname === href : pathname === href || pathname.startsWith(`${href}/`));

/**
 * The console's left navigation (a column beside the room on a wide screen, as Shopify's admin);
 * on a phone, a "Console menu" button that opens the same list, closing on navigation, Escape or
 * a click elsewhere. The current room is marked `aria-current="page"`.
 */
export function AdminNav() {
  const pathname = usePathname();
  const { open, setOpen, ref } = useDismissable<HTMLElement>();
  const current = ROOMS.find((r) => isCurrent(r.href, pathname));
  return (
    <nav ref={ref} aria-label="Console" className="admin-nav" data-open={open}>
      <button type="button" className="admin-nav-toggle" aria-expanded={open} aria-controls="admin-rooms" onClick={() => setOpen((o) => !o)}>
        <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
          <path d="M3 5h14M3 10h14M3 15h14" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        <span>Console menu</span>
        {current && (
          <span className="admin-nav-here" aria-hidden="true">
            {current.label}
          </span>
        )}
      </button>
      <ul id="admin-rooms" className="admin-rooms">
        {ROOMS.map((r) => {
          const here = isCurrent(r.href, pathname);
          return (
            <li key={r.href}>
              <Link href={r.href} aria-current={here ? "page" : undefined} onClick={() => setOpen(false)}>
                {r.icon}
                {r.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
