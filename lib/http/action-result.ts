import type { PublicError } from "@/lib/errors/app-error";

/** What a server action returns to a form: data on success, a user-facing error otherwise. */
export type ActionResult<T = undefined> = { ok: true; data: T; message?: string } | { ok: false; error: PublicError };
