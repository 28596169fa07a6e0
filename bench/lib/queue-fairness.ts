/**
 * The waiting room's fairness figures (bench/queue-drop.ts): how closely the line's order follows
 * the order shoppers arrived in.
 */

/**
 * Kendall's tau-b between two rankings of the same items (`xs[i]` and `ys[i]` belong to item i):
 * (concordant − discordant) / sqrt((n0 − tiesX)(n0 − tiesY)) over every pair, so ties on either
 * side (two shoppers arriving in the same millisecond) count for neither. 1: same order, −1:
 * reversed, 0: unrelated. O(n²): a drop's line is a few thousand shoppers. NaN under two items or
 * when one side is all ties.
 */
export function kendallTau(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new Error(`kendallTau: ${xs.length} x values but ${ys.length} y values`);
  const n = xs.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    const xi = xs[i]!;
    const yi = ys[i]!;
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(xs[j]! - xi);
      const dy = Math.sign(ys[j]! - yi);
      if (dx === 0 && dy === 0) {
        tiesX++;
        tiesY++;
      } else if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiesX) * (pairs - tiesY));
  return denominator === 0 ? NaN : (concordant - discordant) / denominator;
}

/**
 * A person's fair chance in the prequeue: the launch's shuffle gives each of its `size` members
 * the same chance at each of the `sold` units it sold, so `members` of them expect
 * `sold × members / size`. The chance that they get `got` or more (hypergeometric tail), to tell
 * luck from an edge.
 */
export function prequeueShare(members: number, size: number, sold: number, got: number): { expected: number; pAtLeast: number } {
  const expected = size === 0 ? 0 : (sold * members) / size;
  const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  let p = 0;
  for (let k = got; k <= Math.min(members, sold); k++) {
    if (sold - k > size - members) continue;
    p += Math.exp(logChoose(members, k) + logChoose(size - members, sold - k) - logChoose(size, sold));
  }
  return { expected, pAtLeast: Math.min(1, p) };
}

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[n]!;
}
