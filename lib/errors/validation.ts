import type { z } from "zod";
import { AppError, type FieldErrors } from "./app-error";

/** Parses input with a zod schema; failures become one invalid_input error with per-field messages. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    (fields[key] ??= []).push(issue.message);
  }
  const first = result.error.issues[0];
  const where = first && first.path.length ? `${first.path.join(".")}: ` : "";
  throw new AppError("invalid_input", `${where}${first?.message ?? "Invalid input"}`, { fields });
}
