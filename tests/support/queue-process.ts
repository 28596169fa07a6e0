/**
 * A server process that asks for a shopper's place in a drop's line (lib/drops/queue.ts), prints
 * it as one JSON line and then stays up until it is killed: for the waiting-room test that kills
 * a worker mid-drop. Run with tsx (--conditions=react-server); env as the test's.
 */
import { myQueue } from "@/lib/drops/queue";

const [userId, skuId] = [Number(process.argv[2]), Number(process.argv[3])];
console.log(JSON.stringify(await myQueue(userId, skuId)));
setInterval(() => {}, 60_000);
