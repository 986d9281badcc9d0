import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Tier } from "@/lib/presets";
import type { CheckContext } from "../types";

/** Real photographs (test/fixtures/photos): clean, text-free, safe for work. */
export const PHOTOS_DIR = path.join(process.cwd(), "test/fixtures/photos");

export async function fixturePhotos(): Promise<{ name: string; bytes: Buffer }[]> {
  const files = (await readdir(PHOTOS_DIR)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  return Promise.all(files.map(async (name) => ({ name, bytes: await readFile(path.join(PHOTOS_DIR, name)) })));
}

/** A check context for a direct call: no batch, no references, the tier defaults unless overridden. */
export function contextFor(tier: Tier, extra: Partial<CheckContext> = {}): CheckContext {
  return {
    tier,
    expected: { width: 1024, height: 1024 },
    promptWantsText: false,
    prompt: "",
    batchHashes: [],
    referenceHashes: [],
    thresholds: {},
    ...extra,
  };
}
