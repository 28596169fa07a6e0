import { describe, expect, it } from "vitest";
import { parseWrk } from "./lib/crowd";

const WRK = `Running 5s test @ http://127.0.0.1:3210/products/1
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    52.10ms   20.00ms 300.00ms   90.00%
    Req/Sec   612.00    100.00     0.90k    70.00%
  Latency Distribution
     50%  850.00us
     75%   60.00ms
     90%   80.00ms
     99%    1.20s
  6120 requests in 5.00s, 80.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1224.50
Transfer/sec:     16.00MB
`;

describe("wrk output", () => {
  it("gives requests/s, p50 and p99 in ms, and every failed answer", () => {
    expect(parseWrk(WRK)).toEqual({ requestsPerS: 1225, latency: { p50: 0.9, p99: 1200 }, errors: 7 });
  });

  it("refuses output without a rate", () => expect(() => parseWrk("connection refused")).toThrow(/unexpected wrk output/));
});
