import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type mysql from "mysql2/promise";
import { createPool, transaction } from "@/db";
import { CommitProxy } from "./faults/commit-proxy";

/*
 * Issue 38: when HAProxy marks a Galera node down it cuts the sessions on it, and the app's pool
 * still holds them. A checkout that draws such a connection has committed nothing when it finds
 * out (at its first query, which carries START TRANSACTION): it drops the connection and sends
 * that query once more on another, instead of answering 503. A proxy in front of MariaDB cuts
 * the connection at START TRANSACTION.
 */
const target = new URL(process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/stockroom_test");

describe("a pooled connection found dead before its transaction began", () => {
  const proxy = new CommitProxy(0, Number(target.port || 3306));
  let pool: mysql.Pool;

  beforeAll(async () => {
    await proxy.start();
    const url = new URL(target);
    url.port = String(proxy.boundPort);
    pool = createPool(url.toString(), 2);
  });
  afterAll(async () => {
    await pool.end();
    await proxy.close();
  });

  it("starts the transaction once more on another connection", async () => {
    proxy.fault = { kind: "start-cut" };
    const seen = await transaction(
      async (tx) => {
        const [rows] = await tx.query("SELECT @@in_transaction AS inTx");
        return rows;
      },
      { isolationLevel: "read committed", pool },
    );
    expect(proxy.fault).toBeUndefined(); // the first connection was cut
    expect(seen).toEqual([{ inTx: 1 }]);
  });

  it("gives up after the second connection dies too", async () => {
    proxy.fault = { kind: "start-cut", times: 2 };
    await expect(transaction((tx) => tx.query("SELECT 1"), { isolationLevel: "read committed", pool })).rejects.toMatchObject({ fatal: true });
    expect(proxy.fault).toBeUndefined();
  });
});
