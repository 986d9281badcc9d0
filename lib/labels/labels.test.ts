import { describe, expect, it } from "vitest";
import { SEED_REJECT_REASONS } from "@/lib/review/reasons";
import { auditActionLabel, generationErrorLabel, humanizeCode, plural, reasonLabel, reasonsLabel } from ".";

describe("labels", () => {
  it("says reasons in words: the seed taxonomy, check reasons, an admin's own, and unknown codes humanised", () => {
    expect(reasonLabel("trademark_logo")).toBe("Trademark / logo");
    expect(reasonLabel("wrong_size")).toBe("Wrong size");
    expect(reasonLabel("color_cast", { color_cast: "Colour cast (admin)" })).toBe("Colour cast (admin)");
    expect(reasonLabel("some_new_code")).toBe("Some new code");
    expect(reasonsLabel("blur, duplicate")).toBe("Blurred, Near-duplicate");
    expect(reasonsLabel(null)).toBe("");
    expect(humanizeCode("remove_background")).toBe("Remove background");
  });
  it("keeps the seeded reject reasons and their labels in one place", () => {
    expect(SEED_REJECT_REASONS[0]).toEqual({ code: "trademark_logo", label: "Trademark / logo" });
    for (const r of SEED_REJECT_REASONS) expect(reasonLabel(r.code)).toBe(r.label);
  });
  it("says why a generation failed in words, never the raw code", () => {
    expect(generationErrorLabel("content_filtered")).toBe("Refused by the endpoint's content filter");
    expect(generationErrorLabel("provider_failed")).toBe("The GPU endpoint kept failing (retries used up)");
    expect(generationErrorLabel("budget_held")).toBe("Held by a budget for too long");
    expect(generationErrorLabel("some_new_code")).toBe("Some new code");
    expect(generationErrorLabel(null)).toBe("Failed");
  });
  it("names audit actions in words", () => {
    expect(auditActionLabel("user.role_changed")).toBe("User: role changed");
    expect(auditActionLabel("banned_term.added")).toBe("Banned term: added");
    expect(auditActionLabel("review")).toBe("Review");
  });
  it("pluralises counts", () => {
    expect(plural(1, "image")).toBe("1 image");
    expect(plural(0, "image")).toBe("0 images");
    expect(plural(1_200, "batch", "batches")).toBe("1,200 batches");
  });
});
