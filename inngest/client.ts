import { Inngest } from "inngest";
import { env } from "@/lib/env";

/**
 * Engine selection is environment-only: INNGEST_DEV points at the embedded runner (default) or
 * `npx inngest-cli dev`; INNGEST_SIGNING_KEY + INNGEST_EVENT_KEY without INNGEST_DEV select
 * Inngest Cloud or a self-hosted `inngest start` (with INNGEST_BASE_URL).
 */
function clientOptions() {
  const e = env();
  if (e.inngest.mode === "dev") {
    return { id: "kiln", isDev: true, baseUrl: e.inngest.devUrl, eventKey: e.INNGEST_EVENT_KEY ?? "kiln-local" };
  }
  return {
    id: "kiln",
    isDev: false,
    baseUrl: e.INNGEST_BASE_URL,
    eventKey: e.INNGEST_EVENT_KEY,
    signingKey: e.INNGEST_SIGNING_KEY,
  };
}

export const inngest = new Inngest(clientOptions());
