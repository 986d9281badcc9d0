import { engineConfig } from "@/inngest/engine-config";
import { env } from "@/lib/env";

export type SystemStatus = { database: string; blobs: string; engine: string; demo: boolean };

/** A plain-language description of which embedded default or external service each part uses. */
export function systemStatus(): SystemStatus {
  const e = env();
  return {
    database:
      e.databaseKind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `Embedded PGlite in ${e.KILN_DATA_DIR}/pglite`,
    blobs: e.blobDriver === "vercel" ? "Vercel Blob" : `Local disk in ${e.KILN_DATA_DIR}/blobs`,
    engine: engineLabel(),
    demo: e.KILN_DEMO,
  };
}

function engineLabel(): string {
  const engine = engineConfig();
  if (engine.mode === "dev") return `Inngest dev server at ${engine.baseUrl} (unsigned, loopback only)`;
  if (engine.embeddedRunner) return `Embedded runner at ${engine.baseUrl} (signed calls)`;
  return `${engine.baseUrl ? `Self-hosted Inngest at ${engine.baseUrl}` : "Inngest Cloud"} (signed calls)`;
}
