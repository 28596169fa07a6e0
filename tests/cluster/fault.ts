/**
 * What a fault race (tests/cluster/faults.ts) is made of: the race it strikes, and the fault with
 * its strike, heal and checks. The faults are in faults.ts and partitions.ts.
 */
import type { ChildProcess } from "node:child_process";
import type { Buyer } from "./clients";
import type { WriterMode } from "./rig";

export type Race = { apps: ChildProcess[]; strategy: string; buyers: Buyer[]; hot: number };
export type Fault = {
  id: string;
  title: string;
  mode: WriterMode;
  limit?: number;
  /** Partitions and slow links need hosts of their own (RIG_NETNS=1); the strategy, when fixed. */
  netns?: boolean;
  strategy?: string;
  /** The longest stretch without any answer the race allows (issue 38: service resumes within 10 s). */
  maxSilenceMs?: number;
  /** Before the shoppers come (the hot SKU exists). */
  prepare?(race: Race): Promise<void>;
  /** After the node is back and the rig synced: what else broke, and what to say. */
  check?(race: Race): Promise<{ problems: string[]; note: string }>;
  /** Strikes at FAULT_AT_MS into the race; resolves when the fault is over (a frozen node let go). */
  strike(race: Race): Promise<string>;
  /** Brings the node back; says how it rejoined. */
  heal(race: Race, victim: string): Promise<string>;
};
