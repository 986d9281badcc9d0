/**
 * CI runs `npm test` on PGlite and again on PostgreSQL (.ci/run). In the PostgreSQL pass, what
 * cannot differ between the databases ran already and is left out: unit test files that never open
 * a database (vitest.config.ts), browser-only journeys and journeys whose database work is
 * unit-tested on PostgreSQL (playwright.config.ts), and the axe audits
 * (e2e/console-pages.spec.ts). KILN_TEST_ALL=1 runs all of it on PostgreSQL too.
 */
export const POSTGRES_PASS_SKIPS_REPEATS = Boolean(process.env.DATABASE_URL) && process.env.KILN_TEST_ALL !== "1";
