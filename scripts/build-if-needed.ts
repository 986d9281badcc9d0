import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { FINGERPRINT_FILE, buildFingerprint, buildIsCurrent } from "./build-fingerprint";

/** Runs `next build` unless the last build was made from exactly these sources. */
export function buildIfNeeded(root = process.cwd()): void {
  if (buildIsCurrent(root)) {
    console.log("[kiln] production build is current");
    return;
  }
  console.log("[kiln] building the app (first start or sources changed)…");
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"],
    { stdio: "inherit", cwd: root },
  );
  if (result.status !== 0) {
    console.error("[kiln] next build failed");
    process.exit(result.status ?? 1);
  }
  writeFileSync(path.join(root, FINGERPRINT_FILE), buildFingerprint(root));
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfNeeded();
