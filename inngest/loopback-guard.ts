import net from "node:net";
import { networkInterfaces } from "node:os";

/**
 * INNGEST_DEV puts the SDK in dev mode, where /api/inngest verifies no signature at all. That is
 * only safe while nobody but this machine can reach the app, so boot refuses to run it otherwise.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export const DEV_MODE_FIX =
  "INNGEST_DEV is set, so /api/inngest runs functions for unsigned requests (the Inngest SDK's dev mode verifies nothing). " +
  "Bind the app to loopback with KILN_HOST=127.0.0.1 (npm start passes it to `next start -H`), " +
  "or unset INNGEST_DEV to use the embedded runner, which signs every call, " +
  "or use Inngest Cloud / a self-hosted `inngest start` with INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY.";

/** The configured bind host allows dev mode only when it is a loopback host. */
export function devModeHostProblem(host: string | undefined): string | null {
  return host && isLoopbackHost(host) ? null : DEV_MODE_FIX;
}

/**
 * Verifies what the server really listens on: connects to `port` on every non-loopback address of
 * this machine and returns the first that answers (null when none does). `next start` without
 * `-H` listens on every interface, whatever KILN_HOST says.
 */
export async function reachableBeyondLoopback(port: number, timeoutMs = 1_000): Promise<string | null> {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && !(a.family === "IPv6" && a.address.toLowerCase().startsWith("fe80")))
    .map((a) => a!.address);
  const answers = await Promise.all(addresses.map((address) => connects(address, port, timeoutMs)));
  return addresses.find((_, i) => answers[i]) ?? null;
}

function connects(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
