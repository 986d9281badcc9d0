import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", ".next/**", ".data/**", "e2e/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: PGlite boots per file, so a pool of two keeps the suite steady.
    maxWorkers: 2,
    // Warnings and errors only: one JSON line per request would bury the test output.
    env: { KILN_DATA_DIR: ".data/test", NODE_ENV: "test", KILN_LOG_LEVEL: "warn" },
    // next-auth imports "next/server" without an extension; let Vite resolve it.
    server: { deps: { inline: ["next-auth"] } },
  },
});
