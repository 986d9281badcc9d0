import http from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { devModeHostProblem, reachableBeyondLoopback } from "./loopback-guard";

const hasLan = Object.values(networkInterfaces())
  .flat()
  .some((a) => a && !a.internal && a.family === "IPv4");

async function listen(host: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((_, res) => res.end());
  await new Promise<void>((r) => server.listen(0, host, r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

describe("INNGEST_DEV (unsigned) only on loopback", () => {
  it("allows only a loopback KILN_HOST, and names the fix otherwise", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
      expect(devModeHostProblem(host)).toBeNull();
    for (const host of [undefined, "0.0.0.0", "::", "192.168.1.10", "kiln.example.com"]) {
      expect(devModeHostProblem(host)).toMatch(
        /KILN_HOST=127\.0\.0\.1[\s\S]*unset INNGEST_DEV[\s\S]*INNGEST_SIGNING_KEY/,
      );
    }
  });

  it.skipIf(!hasLan)("sees a server that listens on every interface, and not one bound to loopback", async () => {
    const all = await listen("0.0.0.0");
    const local = await listen("127.0.0.1");
    try {
      expect(await reachableBeyondLoopback(all.port)).not.toBeNull();
      expect(await reachableBeyondLoopback(local.port)).toBeNull();
    } finally {
      await all.close();
      await local.close();
    }
  });
});
