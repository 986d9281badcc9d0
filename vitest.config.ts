import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { POSTGRES_PASS_SKIPS_REPEATS } from "./test/ci-pass";

const root = import.meta.dirname;

/** Folders that hold no unit tests: vitest's exclude, and the walk below skips them. */
const NOT_UNIT_TESTS = ["node_modules", ".next", ".data", "e2e"];

/**
 * A test file that never opens a database (none of these words in it) tests the same code on both,
 * so the PostgreSQL pass leaves it out (test/ci-pass.ts).
 */
const OPENS_A_DATABASE =
  /createTestDatabase|test-harness|DATABASE_URL|@\/db["/]|openDatabase|startRunner|getDb|pglite/i;

function filesWithoutDatabase(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (![...NOT_UNIT_TESTS, ".git"].includes(entry.name)) walk(rel);
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

export default defineConfig({
  resolve: { alias: { "@": path.resolve(root) } },
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: [
      ...NOT_UNIT_TESTS.map((dir) => `${dir}/**`),
      ...(POSTGRES_PASS_SKIPS_REPEATS ? filesWithoutDatabase() : []),
    ],
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
