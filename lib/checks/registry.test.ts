import { describe, expect, it } from "vitest";
import { thresholdsSchema } from "@/lib/presets/schemas";
import { ALL_CHECKS, checksForTier, checkSteps } from "./registry";

describe("the check registry", () => {
  it("has unique ids, and every threshold name can be saved as a preset override", () => {
    expect(new Set(ALL_CHECKS.map((c) => c.id)).size).toBe(ALL_CHECKS.length);
    for (const check of ALL_CHECKS) {
      for (const names of Object.values(check.defaults)) {
        const overrides = Object.fromEntries(Object.entries(names ?? {}).map(([n, v]) => [`${check.id}.${n}`, v]));
        expect(thresholdsSchema.safeParse(overrides).success, `${check.id}: ${Object.keys(overrides).join(", ")}`).toBe(
          true,
        );
      }
    }
  });

  it("runs safety only on draft, adds quality on support, everything on hero", () => {
    expect(checksForTier("draft").map((c) => c.group)).toEqual(["safety"]);
    expect(new Set(checksForTier("support").map((c) => c.group))).toEqual(
      new Set(["safety", "quality", "consistency"]),
    );
    expect(checksForTier("hero").length).toBeGreaterThanOrEqual(checksForTier("support").length);
    expect(checkSteps("hero").at(-1)).toMatchObject({ name: "check-classical" });
  });
});
