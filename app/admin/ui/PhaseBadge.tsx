import type { DropPhase } from "@/lib/admin/drop-board";

const PHASE: Record<DropPhase, { label: string; tone: string }> = {
  upcoming: { label: "Upcoming", tone: "info" },
  live: { label: "Live", tone: "in_stock" },
  sold_out: { label: "Sold out", tone: "sold_out" },
  off_sale: { label: "Off sale", tone: "" },
};

/** A drop's phase as a badge: Upcoming, Live, Sold out, Off sale. */
export function PhaseBadge({ phase }: { phase: DropPhase }) {
  const { label, tone } = PHASE[phase];
  return <span className={`badge ${tone}`.trim()}>{label}</span>;
}
