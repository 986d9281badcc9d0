import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

/**
 * CI runs the suite on PGlite and again on PostgreSQL (.ci/run). A test file that never opens a
 * database (none of these words in it) tests the same code either way, so with DATABASE_URL set it
 * runs once, in the PGlite pass. KILN_TEST_ALL=1 runs every file on PostgreSQL too.
 */
const OPENS_A_DATABASE =
  /createTestDatabase|test-harness|DATABASE_URL|@\/db["/]|openDatabase|startRunner|getDb|pglite/i;

function filesWithoutDatabase(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!["node_modules", ".next", ".data", "e2e", ".git"].includes(entry.name)) walk(rel);
      } else if (
        /\.test\.tsx?$/.test(entry.name) &&
        !OPENS_A_DATABASE.test(readFileSync(path.join(root, rel), "utf8"))
      ) {
        out.push(rel);
      }
    }
  };
  walk("");
  return out;
}

const onPostgresOnly = Boolean(process.env.DATABASE_URL) && process.env.KILN_TEST_ALL !== "1";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(root) } },
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", ".next/**", ".data/**", "e2e/**", ...(onPostgresOnly ? filesWithoutDatabase() : [])],
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
