import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { resolveClientIp } from "./client-ip";
import { installPeerAddressStamp, peerAddressFrom } from "./peer-address";

/** What a handler would see: the request's headers as a Fetch Headers object (as next/headers gives them). */
async function headersSeenByServer(send: Record<string, string>): Promise<Headers> {
  const server = http.createServer((req, res) => {
    const h = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") h.set(k, v);
    res.end(JSON.stringify([...h.entries()]));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: send });
    return new Headers((await res.json()) as [string, string][]);
  } finally {
    server.close();
  }
}

describe("the socket's peer address, stamped before the app sees the request", () => {
  it("is unknown until the stamp is installed, then is the connection's address whatever the client sends", async () => {
    expect(peerAddressFrom(await headersSeenByServer({ "x-forwarded-for": "203.0.113.9" }))).toBeNull();

    installPeerAddressStamp();
    installPeerAddressStamp(); // idempotent: one stamp, one name
    const seen = await headersSeenByServer({ "x-forwarded-for": '=HYPERLINK("x"), 203.0.113.9' });
    expect(peerAddressFrom(seen)).toBe("127.0.0.1");
    expect(
      resolveClientIp({ peer: peerAddressFrom(seen), forwardedFor: seen.get("x-forwarded-for"), trusted: null }),
    ).toBe("127.0.0.1");
    // The header name is random per process: a client cannot pre-fill a fixed "x-kiln-peer".
    const stampName = [...seen.keys()].find((k) => k.startsWith("x-kiln-peer-"));
    expect(stampName).toMatch(/^x-kiln-peer-[0-9a-f]{24}$/);
    const forged = await headersSeenByServer({ [stampName!]: "198.51.100.1" });
    expect(peerAddressFrom(forged)).toBe("127.0.0.1");
  });
});
