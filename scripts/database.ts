/**
 * The database process: owns the embedded PGlite and serves it to the web and worker processes on
 * this machine (KILN_ROLE=database; `npm start` runs it when DATABASE_URL is not set). See
 * lib/system/database-process.ts.
 */
process.env.KILN_ROLE ??= "database";
// Imported after the role is set: modules read the environment once.
const { startDatabaseProcess } = await import("@/lib/system/database-process");
startDatabaseProcess().catch((error: unknown) => {
  console.error(`[kiln] database process could not start: ${(error as Error).message}`);
  process.exit(1);
});
export {};
