// The npm registry mirror on Kiln's build machines serves only the linux-x64 builds of packages
// that ship per-platform binaries (next's swc, tailwind's oxide, …), so `npm install` leaves the
// other platforms' optional packages out of package-lock.json and `npm ci` then refuses the lock.
// This adds a stub entry (version, optional, os/cpu from the package name) for each such package:
// npm ci sees a complete lock and skips them as foreign-platform packages, as it would anyway.
// Run after `npm install` changes the lock: `node scripts/lock-foreign-platforms.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

const OS = [
  ["darwin", "darwin"],
  ["win32", "win32"],
  ["android", "android"],
  ["freebsd", "freebsd"],
  ["linux", "linux"],
  ["wasm32", null],
];
const CPU = [
  ["arm64", "arm64"],
  ["x64", "x64"],
  ["arm-", "arm"],
  ["ia32", "ia32"],
  ["wasm32", "wasm32"],
];

function platformOf(name) {
  const os = OS.find(([k]) => name.includes(k))?.[1];
  const cpu = CPU.find(([k]) => name.includes(k))?.[1];
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    const nested = `${path}/node_modules/${dep}`;
    if (packages[key] || packages[nested]) continue;
    const platform = platformOf(dep);
    if (!platform.os && !platform.cpu) continue; // not a platform package: leave it to npm
    packages[key] = { version: String(range).replace(/^[\^~=]/, ""), optional: true, ...platform };
    added += 1;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} foreign-platform stub entries to package-lock.json`);
