import { execFile } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const servers: net.Server[] = [];

/** A tiny server holding a port, as another program on the owner's machine would. */
async function occupy(host: string): Promise<number> {
  const server = net.createServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nsomeone else"));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A port nobody holds right now: the kernel's pick, released at once. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The demo's own first step (scripts/demo.sh --check-ports): nothing after it runs, no build. */
function checkPorts(env: Record<string, string>) {
  return promisify(execFile)("bash", ["scripts/demo.sh", "--check-ports"], { cwd: root, env: { ...process.env, ...env }, timeout: 30_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
  );
}

describe("npm run demo on a taken port", () => {
  it("stops before anything starts, non-zero, naming the port and what to do", async () => {
    const port = await occupy("127.0.0.1");
    const run = await checkPorts({ PORT: String(port), APP_PORT: String(await freePort()), WEB_CONCURRENCY: "1" });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`Port ${port} (the front) is not free: another program already listens on it`);
    expect(run.stderr).toContain("PORT=3100 npm run demo");
    expect(run.stdout).toBe("");
  });

  it("also refuses when a worker's port is taken (there, on IPv6's loopback only)", async () => {
    const worker = await occupy("::1");
    const run = await checkPorts({ PORT: String(await freePort()), APP_PORT: String(worker), WEB_CONCURRENCY: "1" });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`Port ${worker} (the worker) is not free`);
  });

  it("passes when the front's and every worker's ports are free", async () => {
    const run = await checkPorts({ PORT: String(await freePort()), APP_PORT: String(await freePort()), WEB_CONCURRENCY: "1" });
    expect(run, run.stderr).toMatchObject({ code: 0, stderr: "" });
  });
});
