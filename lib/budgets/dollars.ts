import { AppError } from "@/lib/errors";

const DOLLARS = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,6}))?$/;

/**
 * "12.34", "$1,200" or "0.0042" → whole micro-dollars, parsed as a decimal string (never through a
 * float, so "0.1" is exactly 100,000). At most six decimals: a micro-dollar is the unit.
 */
export function parseDollars(text: string): number {
  const m = DOLLARS.exec(text.trim());
  if (!m) throw new AppError("invalid_input", `"${text}" is not an amount in dollars (e.g. 250 or 12.34).`);
  const whole = BigInt(m[1]!.replaceAll(",", ""));
  const fraction = BigInt((m[2] ?? "").padEnd(6, "0"));
  const micros = whole * 1_000_000n + fraction;
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) throw new AppError("invalid_input", "That amount is too large.");
  return Number(micros);
}

/** Micro-dollars → the plain decimal string a form field shows ("12.34"; trailing zeros dropped). */
export function microsToDollarString(micros: number): string {
  const whole = Math.trunc(micros / 1_000_000);
  const fraction = String(micros % 1_000_000)
    .padStart(6, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction.length < 2 ? fraction.padEnd(2, "0") : fraction}` : String(whole);
}
