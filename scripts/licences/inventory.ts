import { readFileSync } from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import type { PackageLicence, Verdict } from "./policy";

/** The committed list, relative to the repository root. */
export const LICENCE_LIST = "docs/third-party-licenses.csv";

type CheckerEntry = { licenses?: string | string[]; repository?: string; path?: string };

/** name@version → name and version (scoped names carry an @ of their own). */
function splitKey(key: string): { name: string; version: string } {
  const at = key.lastIndexOf("@");
  return { name: key.slice(0, at), version: key.slice(at + 1) };
}

/**
 * Packages whose package.json limits them to some os/cpu (sharp's and onnxruntime's platform
 * binaries): which of them are installed depends on the machine, so the committed list keeps the
 * ones this platform installs and the up-to-date comparison does not count the others.
 */
export function isPlatformSpecific(packageDir: string | undefined): boolean {
  if (!packageDir) return false;
  try {
    const json = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
      os?: unknown;
      cpu?: unknown;
    };
    return Boolean(json.os || json.cpu);
  } catch {
    return false;
  }
}

export type InstalledPackage = PackageLicence & { platformSpecific: boolean };

/** license-checker's JSON (production dependencies, private packages excluded) as rows, sorted. */
export function packagesFromChecker(json: Record<string, CheckerEntry>): InstalledPackage[] {
  return Object.entries(json)
    .map(([key, entry]) => ({
      ...splitKey(key),
      licence: Array.isArray(entry.licenses) ? entry.licenses.join(" OR ") : (entry.licenses ?? "UNKNOWN"),
      repository: entry.repository ?? "",
      platformSpecific: isPlatformSpecific(entry.path),
    }))
    .sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1));
}

const COLUMNS = ["name", "version", "licence", "declared", "repository", "note"] as const;

/** The CSV committed in the repository: one row a package, the licence that applies and the declared one. */
export function renderList(verdicts: Verdict[]): string {
  const rows = verdicts.map((v) => [v.name, v.version, v.effective, v.licence, v.repository, v.note]);
  return Papa.unparse({ fields: [...COLUMNS], data: rows }, { newline: "\n" }) + "\n";
}

export type ListedPackage = { name: string; version: string; licence: string };

export function parseList(csv: string): ListedPackage[] {
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  return parsed.data.map((row) => ({ name: row.name ?? "", version: row.version ?? "", licence: row.licence ?? "" }));
}

/**
 * What differs between the committed list and the installed tree: packages added, removed, or at
 * another version or licence. Platform-specific packages count only when installed here.
 */
export function listDrift(listed: ListedPackage[], installed: (Verdict & { platformSpecific: boolean })[]): string[] {
  const key = (p: { name: string; version: string }) => `${p.name}@${p.version}`;
  const now = new Map(installed.map((p) => [key(p), p]));
  const platform = new Set(installed.filter((p) => p.platformSpecific).map((p) => p.name));
  const before = new Map(listed.map((p) => [key(p), p]));
  const drift: string[] = [];
  for (const [k, p] of now) {
    const old = before.get(k);
    if (!old) drift.push(`${k} (${p.effective}) is installed but not in ${LICENCE_LIST}`);
    else if (old.licence !== p.effective)
      drift.push(`${k} is listed as ${old.licence} but its licence is now ${p.effective}`);
  }
  for (const [k, p] of before)
    if (!now.has(k) && !platform.has(p.name) && !isPlatformName(p.name))
      drift.push(`${k} is listed in ${LICENCE_LIST} but no longer installed`);
  return drift;
}

/** Names of the known per-platform binary packages, for listed rows whose platform is not installed here. */
function isPlatformName(name: string): boolean {
  return /^@img\/sharp-|^@next\/swc-|^@esbuild\/|^@rollup\/rollup-|-(linux|darwin|win32)-(x64|arm64|ia32)(-gnu|-musl|-msvc)?$/.test(
    name,
  );
}
