import { randomBytes } from "node:crypto";
import http, { type IncomingMessage } from "node:http";

/**
 * `next start` gives route handlers and server actions the request's headers but not its
 * socket, and it fills X-Forwarded-For from the socket only when the client sent none — so a
 * client can always choose what that header says. This stamps the socket's peer address on
 * every request, before Next sees it, under a header name that is random per process: a client
 * cannot guess it to forge it, and the stamp overwrites anything under that name anyway.
 *
 * Installed from instrumentation.ts, which runs in the server process before requests are
 * handled; the name lives on globalThis because Next bundles instrumentation and the app apart.
 */
const NAME_KEY = Symbol.for("kiln.peerAddressHeader");
type Holder = { [NAME_KEY]?: string };

export function installPeerAddressStamp(): void {
  const holder = globalThis as Holder;
  if (holder[NAME_KEY]) return;
  const name = `x-kiln-peer-${randomBytes(12).toString("hex")}`;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function stampPeer(
    this: http.Server,
    event: string | symbol,
    ...args: unknown[]
  ): boolean {
    if (event === "request") {
      const req = args[0] as IncomingMessage;
      req.headers[name] = req.socket?.remoteAddress ?? "";
    }
    return (emit as (this: http.Server, event: string | symbol, ...rest: unknown[]) => boolean).call(
      this,
      event,
      ...args,
    );
  } as typeof emit;
  holder[NAME_KEY] = name;
}

/** The stamped peer address of the current request, or null when no stamp is installed. */
export function peerAddressFrom(headers: Headers): string | null {
  const name = (globalThis as Holder)[NAME_KEY];
  return name ? headers.get(name) : null;
}
