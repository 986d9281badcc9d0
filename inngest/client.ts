import { Inngest } from "inngest";
import { engineConfig } from "./engine-config";

/**
 * Engine selection is environment-only (see engine-config.ts and decision 0009): by default the
 * SDK runs in cloud mode against the embedded runner with a generated signing key, so every
 * call to /api/inngest is verified; INNGEST_DEV selects the unsigned dev mode (loopback only);
 * INNGEST_SIGNING_KEY + INNGEST_EVENT_KEY select Inngest Cloud or a self-hosted `inngest start`.
 */
function clientOptions() {
  const c = engineConfig();
  if (c.mode === "dev") return { id: "kiln", isDev: true, baseUrl: c.baseUrl, eventKey: c.eventKey };
  return { id: "kiln", isDev: false, baseUrl: c.baseUrl, eventKey: c.eventKey, signingKey: c.signingKey };
}

export const inngest = new Inngest(clientOptions());
