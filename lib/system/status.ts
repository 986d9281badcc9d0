import { env } from "@/lib/env";

export type SystemStatus = { database: string; blobs: string; engine: string; demo: boolean };

/** A plain-language description of which embedded default or external service each part uses. */
export function systemStatus(): SystemStatus {
  const e = env();
  return {
    database: e.databaseKind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `Embedded PGlite in ${e.KILN_DATA_DIR}/pglite`,
    blobs: e.blobDriver === "vercel" ? "Vercel Blob" : `Local disk in ${e.KILN_DATA_DIR}/blobs`,
    engine: e.inngest.mode === "cloud" ? "Inngest Cloud / self-hosted (signing key)" : `Inngest dev protocol at ${e.inngest.devUrl}`,
    demo: e.KILN_DEMO,
  };
}
