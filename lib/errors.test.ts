import { describe, expect, it, vi } from "vitest";
import { AppError, isAppError, isConnectionError } from "./errors";

// Shapes seen from mysql2 under drizzle in the fault tests (tests/faults/).
const wrapped = (cause: unknown) => Object.assign(new Error("Failed query: rollback"), { cause });

describe("isConnectionError", () => {
  it("knows a refused or lost connection by its code, also inside drizzle's wrapper", () => {
    expect(isConnectionError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isConnectionError(wrapped(Object.assign(new Error("Connection lost"), { code: "PROTOCOL_CONNECTION_LOST", fatal: true })))).toBe(true);
  });

  it("knows a connection cut during COMMIT (fatal, no code) and a closed pool (no code)", () => {
    expect(isConnectionError(wrapped(Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true })))).toBe(true);
    expect(isConnectionError(new Error("Pool is closed."))).toBe(true);
  });

  it("leaves SQL errors and bugs alone", () => {
    expect(isConnectionError(wrapped(Object.assign(new Error("Duplicate entry"), { code: "ER_DUP_ENTRY", errno: 1062 })))).toBe(false);
    expect(isConnectionError(new TypeError("x is undefined"))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });
});

describe("AppError across copies of this module", () => {
  it("is recognised when it comes from another copy (Next bundles lib/ once per layer)", async () => {
    vi.resetModules();
    const copy = await import("./errors");
    expect(copy.AppError).not.toBe(AppError);
    const fromCopy = new copy.AppError("OUT_OF_STOCK");
    expect(fromCopy instanceof AppError).toBe(true);
    expect(isAppError(fromCopy)).toBe(true);
    expect(isAppError(new Error("Out of stock"))).toBe(false);
    expect(isAppError(null)).toBe(false);
  });
});

describe("duplicateKeyName", () => {
  it("names the unique index a duplicate entry hit, as MariaDB and MySQL 8 write it, inside drizzle's wrapper", async () => {
    const { duplicateKeyName } = await import("./errors");
    const dup = (sqlMessage: string) => wrapped(Object.assign(new Error(sqlMessage), { errno: 1062, sqlMessage }));
    expect(duplicateKeyName(dup("Duplicate entry 'TEE-1' for key 'skus_code_idx'"))).toBe("skus_code_idx");
    expect(duplicateKeyName(dup("Duplicate entry 'Tee' for key 'spus.spus_name_unique'"))).toBe("spus_name_unique");
    expect(duplicateKeyName(wrapped(Object.assign(new Error("Deadlock"), { errno: 1213 })))).toBeUndefined();
  });
});
