import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** An absolute URL of this API (clients follow links as given, like Stripe's file links). */
export function apiUrl(path: string, query: Record<string, string | number | undefined> = {}): string {
  const url = new URL(path, env().appUrl);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

/** The path/query of a request, as the lib's parsers want it: blank values count as absent. */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
}

/** The body as JSON; anything else is a 400 that says so (the wrapper already checked the content type). */
export async function readJsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new AppError("invalid_input", "The body is not valid JSON.");
  }
}

/**
 * The timestamp form our cursors carry (as PostgreSQL printed it, microseconds kept). A cursor is
 * opaque but can be tampered with: anything else is refused as a bad cursor, never sent to SQL.
 */
export const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
