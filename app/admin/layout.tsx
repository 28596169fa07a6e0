import type { Metadata } from "next";
import { AdminNav } from "./ui/AdminNav";
import "./ui/admin.css";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · Stockroom" } };

/**
 * The console's frame: the rooms' navigation beside (on a phone, above) the room. It reads no
 * session and no data: every room's page checks the admin first (ui/access.ts), so a shopper's
 * 403 replaces this frame whole.
 */
export default function AdminLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="admin-shell">
      <AdminNav />
      <div className="admin-room">{children}</div>
    </div>
  );
}
