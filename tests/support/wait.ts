export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `every` ms until it holds; throws after `ms`, naming `what` it waited for. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 30_000, every = 100) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}
