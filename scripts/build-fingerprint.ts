import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Everything that changes the production build; a change means `next build` must run again. */
const INPUTS = [
  "app",
  "components",
  "lib",
  "db",
  "inngest",
  "public",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];
const SKIP = /(^|\/)(node_modules|\.next|\.data)(\/|$)|\.test\.tsx?$/;

function walk(entry: string, out: string[]): void {
  if (!existsSync(entry) || SKIP.test(entry)) return;
  const st = statSync(entry);
  if (st.isDirectory()) {
    for (const name of readdirSync(entry).sort()) walk(path.join(entry, name), out);
  } else {
    out.push(entry);
  }
}

export function buildFingerprint(root: string): string {
  const files: string[] = [];
  for (const input of INPUTS) walk(path.join(root, input), files);
  const hash = createHash("sha256");
  for (const file of files) hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

export const FINGERPRINT_FILE = path.join(".next", "kiln-build-fingerprint");

export function buildIsCurrent(root: string): boolean {
  const file = path.join(root, FINGERPRINT_FILE);
  return (
    existsSync(path.join(root, ".next", "BUILD_ID")) &&
    existsSync(file) &&
    readFileSync(file, "utf8") === buildFingerprint(root)
  );
}
