import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request a test receiver got: the raw body and the Standard Webhooks headers. */
export type Received = { body: string; headers: Record<string, string>; verifiedWith: number[] };

/**
 * A webhook receiver on loopback (node:http) for tests: verifies every request with the
 * standardwebhooks package against the secrets it is given (the index of each secret that verified
 * is recorded), and answers with `answer(n)` for the n-th request (1-based).
 */
export async function startReceiver(
  opts: { secrets?: () => string[]; answer?: (n: number) => { status: number; body?: string } } = {},
) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const verifiedWith: number[] = [];
      (opts.secrets?.() ?? []).forEach((secret, i) => {
        try {
          new Webhook(secret).verify(body, headers);
          verifiedWith.push(i);
        } catch {
          // not signed with this one
        }
      });
      received.push({ body, headers, verifiedWith });
      const { status, body: answer = "ok" } = opts.answer?.(received.length) ?? { status: 200 };
      res.writeHead(status, { "content-type": "text/plain" }).end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
