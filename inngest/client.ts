import { Inngest } from "inngest";
import { logger } from "@/lib/observability/logger";
import { runLoggerMiddleware } from "@/lib/observability/run-logger";
import { foregroundAwareFetch } from "@/lib/system/foreground";
import { engineConfig } from "./engine-config";

/**
 * Checkpointing (decision 0029): a function's steps run one after another in one call from the
 * engine. Finished steps are reported together, at the latest every 2 s (or with the run's
 * result), instead of one call per step: a crash repeats at most the last 2 s of finished steps,
 * which Kiln's steps allow (each is idempotent: fixed blob keys, event ids, ON CONFLICT writes).
 */
const CHECKPOINTING = { bufferedSteps: 20, maxInterval: "2s" } as const;

/**
 * Engine selection is environment-only (see engine-config.ts and decision 0009): by default the
 * SDK runs in cloud mode against the embedded runner with a generated signing key, so every
 * call to /api/inngest is verified; INNGEST_DEV selects the unsigned dev mode (loopback only);
 * INNGEST_SIGNING_KEY + INNGEST_EVENT_KEY select Inngest Cloud or a self-hosted `inngest start`.
 * Logs: the SDK's own messages go to the JSON logger; functions get `ctx.logger`, a child carrying
 * the function and run ids (lib/observability/run-logger.ts).
 */
function clientOptions() {
  const c = engineConfig();
  // foregroundAwareFetch: an event a page sends is marked as sent for a person (pages first).
  const logging = {
    logger,
    middleware: [runLoggerMiddleware()],
    checkpointing: CHECKPOINTING,
    fetch: foregroundAwareFetch,
  };
  if (c.mode === "dev") return { id: "kiln", isDev: true, baseUrl: c.baseUrl, eventKey: c.eventKey, ...logging };
  return { id: "kiln", isDev: false, baseUrl: c.baseUrl, eventKey: c.eventKey, signingKey: c.signingKey, ...logging };
}

export const inngest = new Inngest(clientOptions());
