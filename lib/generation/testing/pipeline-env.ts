import { vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { resetBlobStoreForTests } from "@/lib/storage";
import { freePort } from "./pipeline-harness";

/**
 * For a test that runs functions through the embedded runner (startPipeline): a free runner port and
 * `dataDir` for the blobs, in signed mode, set before the Inngest client module loads (it reads the
 * runner's port then). Returns the port; undo with unstubPipelineEnv.
 */
export async function stubPipelineEnv(dataDir: string): Promise<number> {
  const port = await freePort();
  vi.stubEnv("KILN_RUNNER_PORT", String(port));
  vi.stubEnv("KILN_DATA_DIR", dataDir);
  vi.stubEnv("INNGEST_DEV", "");
  resetEnvForTests();
  resetBlobStoreForTests();
  return port;
}

export function unstubPipelineEnv(): void {
  vi.unstubAllEnvs();
  resetEnvForTests();
  resetBlobStoreForTests();
}
