import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type mysql from "mysql2/promise";
import { beginTransaction, createPool } from "@/db";
import { CommitProxy } from "./faults/commit-proxy";

/*
 * Issue 38: when HAProxy marks a Galera node down it cuts the sessions on it, and the app's pool
 * still holds them. A checkout that draws such a connection has written nothing when it finds
 * out (at START TRANSACTION): it drops the connection and starts once more on another, instead
 * of answering 503. A proxy in front of MariaDB cuts the connection at START TRANSACTION.
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
    const conn = await beginTransaction(pool, "read committed");
    try {
      expect(proxy.fault).toBeUndefined(); // the first connection was cut
      const [rows] = await conn.query("SELECT @@in_transaction AS inTx");
      expect(rows).toEqual([{ inTx: 1 }]);
      await conn.query("COMMIT");
    } finally {
      conn.release();
    }
  });

  it("gives up after the second connection dies too", async () => {
    proxy.fault = { kind: "start-cut", times: 2 };
    await expect(beginTransaction(pool, "read committed")).rejects.toMatchObject({ fatal: true });
    expect(proxy.fault).toBeUndefined();
  });
});
