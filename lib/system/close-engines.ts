/** Stops the editing engines' and the model checks' worker threads (graceful shutdown, any role). */
export async function closeEngines(): Promise<void> {
  const [{ closeEnginePools }, { shutdownModelChecks }] = await Promise.all([
    import("@/lib/editing/engines/local/pool"),
    import("@/lib/checks/models"),
  ]);
  await Promise.all([closeEnginePools(), shutdownModelChecks()]);
}
