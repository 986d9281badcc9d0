/**
 * A worker process: the background functions and their engines, without the pages
 * (KILN_ROLE=worker; `npm start` runs it beside the web process on PostgreSQL). See lib/system/worker.ts.
 */
process.env.KILN_ROLE ??= "worker";
// Imported after the role is set: modules read the environment once.
const { startWorker } = await import("@/lib/system/worker");
startWorker().catch((error: unknown) => {
  console.error(`[kiln] worker could not start: ${(error as Error).message}`);
  process.exit(1);
});
export {};
