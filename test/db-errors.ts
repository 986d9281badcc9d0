/** Drizzle wraps driver errors ("Failed query: …"); the database's own message is the cause. */
export async function databaseErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  throw new Error("expected the database to refuse the statement, but it succeeded");
}
