import { AppError } from "@/lib/errors";

const DECIMAL_DOLLARS = /^\$?(\d{0,9})(?:\.(\d*))?$/;

/**
 * Parses an admin's dollar amount ("0.002", "$1.5") into integer micro-dollars exactly, from the
 * decimal string itself: a float (0.1 + 0.2) never touches money. Throws for anything else.
 */
export function dollarsToMicros(raw: string, field: string): number {
  const text = raw.trim().replace(/\s+/g, "");
  const match = DECIMAL_DOLLARS.exec(text);
  const fail = (why: string): never => {
    throw new AppError("invalid_input", `${field}: ${why}`, { fields: { [field]: [why] } });
  };
  if (text === "") return fail("Enter a price in US dollars, e.g. 0.002.");
  if (!match || (match[1] === "" && !match[2]))
    return fail(`"${raw.trim()}" is not a dollar amount; use digits and one decimal point, e.g. 0.0125.`);
  const fraction = match[2] ?? "";
  if (fraction.length > 6) return fail("Prices go to the micro-dollar: use at most 6 decimal places.");
  const micros = Number(match[1] || "0") * 1_000_000 + Number(fraction.padEnd(6, "0"));
  if (micros > 1_000_000_000_000) return fail("That price is above $1,000,000.");
  return micros;
}

/** Exact display of integer micros as dollars: at least 2 decimals, no trailing zeros beyond. */
export function microsToDollars(micros: number): string {
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000)
    .padStart(6, "0")
    .replace(/0+$/, "")
    .padEnd(2, "0");
  return `${whole}.${fraction}`;
}
