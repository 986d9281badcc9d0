/**
 * Runs once when the Next.js server starts: migrations, demo users, and the embedded Inngest
 * runner, all in this one process (see docs/decisions/0001-embedded-defaults.md).
 *
 * NEXT_RUNTIME must be read literally here (not through lib/env) so the bundler can drop the
 * Node-only import from the edge build; it is set by Next.js, not by the operator.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // First, before any request is handled: the socket's peer address for lib/auth/client-ip.
  (await import("./lib/auth/peer-address")).installPeerAddressStamp();
  // People's requests before background work, in the one-process shape (lib/system/foreground).
  const { env } = await import("./lib/env");
  if (env().KILN_PAGES_FIRST) (await import("./lib/system/foreground")).installForegroundTracking();
  const { boot } = await import("./lib/system/boot");
  await boot();
}
