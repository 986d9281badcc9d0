import { AppError } from "@/lib/errors";
import { parseDollars } from "./dollars";

type FormValues = Record<string, FormDataEntryValue | null | undefined>;

function text(v: FormValues[string]): string {
  return typeof v === "string" ? v.trim() : "";
}

/** "" → null; otherwise a whole number (zod reports anything else). */
function intOrNull(v: FormValues[string]): number | null {
  const t = text(v);
  return t === "" ? null : Number(t);
}

/**
 * The budget form's fields → the lib's input: the dollar limit converted exactly to micros (as a
 * decimal string, no floats), empty fields to null. A bad amount is reported beside its field.
 */
export function budgetFormToInput(form: FormValues): Record<string, unknown> {
  const dollars = text(form.limitDollars);
  let limitMicros: number | null = null;
  if (dollars !== "") {
    try {
      limitMicros = parseDollars(dollars);
    } catch (error) {
      if (error instanceof AppError)
        throw new AppError("invalid_input", error.message, { fields: { limitMicros: [error.message] } });
      throw error;
    }
  }
  const stopLoss = text(form.stopLossRejectPercent) !== "" || text(form.stopLossWindow) !== "";
  return {
    ...(form.budgetId
      ? { budgetId: text(form.budgetId) }
      : { scope: text(form.scope), scopeKey: text(form.scopeKey), period: text(form.period) }),
    limitMicros,
    limitImages: intOrNull(form.limitImages),
    softLimitPercent: intOrNull(form.softLimitPercent) ?? 80,
    stopLossRejectPercent: stopLoss ? intOrNull(form.stopLossRejectPercent) : null,
    stopLossWindow: stopLoss ? intOrNull(form.stopLossWindow) : null,
    ...(form.budgetId ? { active: text(form.active) !== "false" } : {}),
  };
}
