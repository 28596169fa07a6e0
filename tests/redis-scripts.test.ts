import { describe, expect, it } from "vitest";
import { defineScripts, getRedis } from "@/lib/platform/redis";

type WithEcho = { stockroomTestEcho(key: string, arg: string): Promise<string> };

describe("Redis scripts", () => {
  it("runs a script defined after the client exists while an auto-pipeline is still queued", async () => {
    const client = getRedis();
    await client.ping(); // the client exists and is connected
    // A command queued this tick opens an auto-pipeline built before the script is defined.
    const queued = client.get("stockroom-test:none");
    defineScripts({ stockroomTestEcho: { lua: "return ARGV[1]", numberOfKeys: 1 } });
    const echoed = await Promise.all(Array.from({ length: 5 }, (_, i) => (client as unknown as WithEcho).stockroomTestEcho("stockroom-test:k", `hi ${i}`)));
    expect(await queued).toBeNull();
    expect(echoed).toEqual(["hi 0", "hi 1", "hi 2", "hi 3", "hi 4"]);
  });
});
