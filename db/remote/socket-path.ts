import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";

/**
 * Where the process that owns the embedded database listens for the others (db/remote). In the data
 * folder when the path fits a Unix socket's ~104-byte limit, otherwise in the system's temp folder
 * under a name derived from the data folder, so every process of one installation finds the same one.
 */
export function embeddedDatabaseSocket(pgliteDir: string): string {
  const inData = path.join(pgliteDir, "..", "pglite.sock");
  if (Buffer.byteLength(inData) < 100) return inData;
  const tag = createHash("sha256").update(path.resolve(pgliteDir)).digest("hex").slice(0, 16);
  return path.join(os.tmpdir(), `kiln-pglite-${tag}.sock`);
}
