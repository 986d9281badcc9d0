import { createHmac } from "node:crypto";
import { env, inngestSigningKey, isBuildPhase } from "@/lib/env";

/**
 * Which engine drives /api/inngest, and how its calls are authenticated (decision 0009).
 *
 * - signed (the default and Inngest Cloud / self-hosted): the SDK runs in cloud mode and verifies
 *   every request's signature. With nothing configured it points at the embedded runner, which
 *   signs with a key generated once into the data folder.
 * - dev (explicit INNGEST_DEV, e.g. `npx inngest-cli dev`): the SDK's dev mode verifies nothing,
 *   so the app must listen on loopback only (checked at boot, see loopback-guard.ts).
 */
export type EngineConfig = {
  mode: "signed" | "dev";
  /** The engine's API and event API; undefined means Inngest Cloud. */
  baseUrl: string | undefined;
  signingKey: string | undefined;
  eventKey: string | undefined;
  /** Start the embedded runner in this process (subject to the one-runner-per-database lock). */
  embeddedRunner: boolean;
};

export function engineConfig(): EngineConfig {
  const e = env();
  const embeddedRunner = e.KILN_EMBEDDED_RUNNER
    ? e.KILN_EMBEDDED_RUNNER === "1"
    : !e.INNGEST_DEV && !e.INNGEST_SIGNING_KEY;
  const runnerUrl = `http://127.0.0.1:${e.KILN_RUNNER_PORT}`;
  if (e.INNGEST_DEV) {
    return {
      mode: "dev",
      baseUrl: e.INNGEST_DEV,
      signingKey: undefined,
      eventKey: e.INNGEST_EVENT_KEY ?? "kiln-local",
      embeddedRunner,
    };
  }
  // `next build` loads this module too; it must not write a key into the build machine's folder.
  const signingKey = isBuildPhase() ? `signkey-build-${"0".repeat(64)}` : inngestSigningKey();
  const usesRunner = embeddedRunner || !e.INNGEST_SIGNING_KEY;
  const baseUrl = e.INNGEST_BASE_URL ?? (usesRunner ? runnerUrl : undefined);
  return {
    mode: "signed",
    baseUrl,
    signingKey,
    eventKey: e.INNGEST_EVENT_KEY ?? (baseUrl === runnerUrl ? derivedEventKey(signingKey) : undefined),
    embeddedRunner,
  };
}

/** The runner's event key, derived from its signing key so there is one secret to keep. */
function derivedEventKey(signingKey: string): string {
  return createHmac("sha256", signingKey).update("kiln embedded runner event key").digest("hex");
}

/**
 * Where the embedded runner calls the app: this very process, over loopback, so its signed calls
 * never leave the machine (KILN_URL may be a public address behind a proxy).
 */
export function runnerAppUrl(): string {
  const e = env();
  // A worker process serves the functions on its own port (inngest/serve-node.ts), not the pages' port.
  if (e.KILN_ROLE === "worker") return `http://${loopbackOr(e.KILN_WORKER_HOST)}:${e.KILN_WORKER_PORT}/api/inngest`;
  return `http://${loopbackOr(e.KILN_HOST)}:${e.PORT}/api/inngest`;
}

/**
 * Where the embedded runner spreads its calls: KILN_WORKER_URLS (several worker processes, set by
 * `npm start` or the operator), else nothing, and each call goes to the synced app URL.
 */
export function runnerCallTargets(): string[] | undefined {
  const list = env()
    .KILN_WORKER_URLS?.split(",")
    .map((u) => u.trim())
    .filter(Boolean);
  return list?.length ? list : undefined;
}

function loopbackOr(bind: string | undefined): string {
  const host = bind && !["0.0.0.0", "::", "[::]"].includes(bind) ? bind : "127.0.0.1";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
