"use client";

import { useState, useTransition } from "react";
import { ConfirmDialog } from "@/app/components/ConfirmDialog";
import type { ProductStatus } from "@/db/schema";
import type { ActionState } from "@/lib/web/action";
import { setProductStatusAction, type StatusSaved } from "../actions";

type Move = { to: ProductStatus; label: string; pending: string; title: string; description: string; confirm: string; tone: "danger" | "" };

/** The moves open from each status, each said before it happens. */
function movesFrom(status: ProductStatus, name: string, variants: number): Move[] {
  const publish: Move = {
    to: "active",
    label: status === "archived" ? "Restore" : "Publish",
    pending: status === "archived" ? "Restoring…" : "Publishing…",
    title: status === "archived" ? `Restore ${name}?` : `Publish ${name}?`,
    description:
      variants === 0
        ? "It has no variants yet: shoppers will see it but cannot buy anything."
        : "Shoppers see it in the catalog, search and its page within 2 seconds, and can buy its variants on sale.",
    confirm: status === "archived" ? "Yes, restore" : "Yes, publish",
    tone: "",
  };
  const archive: Move = {
    to: "archived",
    label: "Archive",
    pending: "Archiving…",
    title: `Archive ${name}?`,
    description: "It leaves the shop within 2 seconds: its page answers 404 and nobody can buy it, even from a cart. Past orders stay as they are. You can restore it later.",
    confirm: "Yes, archive",
    tone: "danger",
  };
  const unpublish: Move = {
    to: "draft",
    label: "Move to draft",
    pending: "Moving…",
    title: `Move ${name} back to draft?`,
    description: "It leaves the shop like an archived product, to be edited and published again.",
    confirm: "Yes, move to draft",
    tone: "",
  };
  if (status === "draft") return [publish, archive];
  if (status === "active") return [archive, unpublish];
  return [publish];
}

export function StatusActions({ spuId, status, name, variants }: { spuId: number; status: ProductStatus; name: string; variants: number }) {
  const [state, setState] = useState<ActionState<StatusSaved>>(null);
  const [pending, start] = useTransition();
  const [moving, setMoving] = useState<ProductStatus | null>(null);
  return (
    <div>
      <div className="row">
        {movesFrom(status, name, variants).map((m) => (
          <ConfirmDialog
            key={m.to}
            triggerLabel={m.label}
            pendingLabel={m.pending}
            pending={pending && moving === m.to}
            disabled={pending}
            title={m.title}
            description={<p>{m.description}</p>}
            confirmLabel={m.confirm}
            dismissLabel="Go back"
            tone={m.tone}
            triggerClassName={m.tone === "danger" ? "btn secondary" : "btn"}
            onConfirm={() => {
              setMoving(m.to);
              start(async () => setState(await setProductStatusAction(spuId, m.to)));
            }}
          />
        ))}
      </div>
      <div aria-live="polite">
        {state && !state.ok && (
          <p className="alert error" role="alert" style={{ marginTop: "0.75rem" }}>
            {state.message}
          </p>
        )}
        {state?.ok && (
          <p className="alert success" role="status" style={{ marginTop: "0.75rem" }}>
            {state.data.status === "active" ? "Published: on the shop now." : state.data.status === "archived" ? "Archived: gone from the shop." : "Moved to draft: hidden from shoppers."}
          </p>
        )}
      </div>
    </div>
  );
}
