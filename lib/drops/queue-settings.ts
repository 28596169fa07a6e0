import { z } from "zod";

/**
 * A drop's waiting room as the owner sets it (skus.queue_* columns, all set or none):
 * shoppers admitted per second, minutes a pass lasts, and the proof-of-work's difficulty (the
 * highest counter an ALTCHA challenge may hide, lib/drops/queue-challenge.ts).
 */
export type WaitingRoom = { admitPerSecond: number; passMinutes: number; difficulty: number };

/**
 * Defaults the console offers. 100/s: a tenth of the ~1,000 orders/s the batched checkout serves
 * over HTTP (docs/benchmarks.md), leaving the rest for pages and polls. 500: about 1 s of work on
 * a phone-class CPU (PBKDF2-SHA-256 x1,000 per try, ~0.63 ms a try measured in Node here, a mean
 * of 375 tries, times 4 for a phone core; docs/architecture.md).
 */
export const WAITING_ROOM_DEFAULTS: WaitingRoom = { admitPerSecond: 100, passMinutes: 10, difficulty: 500 };

const whole = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a whole number from ${min} to ${max}.` })
    .int(`${field} must be a whole number from ${min} to ${max}.`)
    .min(min, `${field} must be at least ${min}.`)
    .max(max, `${field} must be at most ${max}.`);

/** The API's `waitingRoom`: the three numbers, or null to switch the waiting room off. The ranges match the CHECK skus_queue_all_or_none. */
export const waitingRoomSchema = z
  .object({
    admitPerSecond: whole("admitPerSecond", 1, 10_000),
    passMinutes: whole("passMinutes", 1, 60),
    difficulty: whole("difficulty", 1, 1_000_000),
  })
  .strict()
  .nullable();

/** The columns a setting writes. */
export const waitingRoomColumns = (w: WaitingRoom | null) => ({
  queueAdmitPerSecond: w?.admitPerSecond ?? null,
  queuePassMinutes: w?.passMinutes ?? null,
  queueDifficulty: w?.difficulty ?? null,
});

/** The setting the columns hold (null: no waiting room). */
export function waitingRoomOf(row: { queueAdmitPerSecond: number | null; queuePassMinutes: number | null; queueDifficulty: number | null }): WaitingRoom | null {
  const { queueAdmitPerSecond: admitPerSecond, queuePassMinutes: passMinutes, queueDifficulty: difficulty } = row;
  return admitPerSecond === null || passMinutes === null || difficulty === null ? null : { admitPerSecond, passMinutes, difficulty };
}

const formNumber = (label: string, min: number, max: number) => {
  const message = `${label} must be a whole number from ${min} to ${max}.`;
  return z.string({ error: message }).trim().regex(/^\d+$/, message).transform(Number).pipe(z.number().min(min, message).max(max, message));
};

/** The console's "Waiting room" fieldset: a switch (`waitingRoom=on`) and the three numbers as typed; off, the numbers are not read. */
export const waitingRoomForm = z.preprocess(
  (v) => ((v as { waitingRoom?: unknown } | null)?.waitingRoom === "on" ? v : null),
  z
    .object({
      admitPerSecond: formNumber("Let in per second", 1, 10_000),
      passMinutes: formNumber("Minutes to check out", 1, 60),
      difficulty: formNumber("Difficulty", 1, 1_000_000),
    })
    .nullable(),
);
