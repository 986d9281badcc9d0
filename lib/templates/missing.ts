import type { VariableDef } from "./types";

/**
 * The required variables a form has left empty (a default fills an empty value, so those never count).
 * The Generate page asks for the estimate only once these are filled: asking earlier is a request the
 * server must refuse, on every page load.
 */
export function missingRequired(variables: VariableDef[], values: Record<string, unknown>): VariableDef[] {
  return variables.filter((v) => v.required && v.default === undefined && String(values[v.name] ?? "").trim() === "");
}
