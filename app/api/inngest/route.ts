import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { engineConfig } from "@/inngest/engine-config";
import { functions } from "@/inngest/functions";
import { guardServe } from "@/inngest/serve-guard";

/**
 * Every request must carry the engine's signature (unsigned syncs too), except in the explicit
 * INNGEST_DEV mode, which boot only allows while the app listens on loopback (decision 0009).
 */
const handlers = serve({ client: inngest, functions, enableUnauthedSync: false });

export const { GET, POST, PUT } = guardServe(handlers, { signingKey: engineConfig().signingKey });
