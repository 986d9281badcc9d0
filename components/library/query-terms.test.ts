import { describe, expect, it } from "vitest";
import { formatTerm, rangeValue, removeTerm, setTerm, splitRange, termValue, tokenize } from "./query-terms";

describe("library query terms", () => {
  it("splits free text, field terms, quoted values and negations", () => {
    const terms = tokenize('mug status:approved campaign:"Spring 26" -tag:old "linen bag"');
    expect(terms.map((t) => [t.field, t.value, t.negated])).toEqual([
      [null, "mug", false],
      ["status", "approved", false],
      ["campaign", "Spring 26", false],
      ["tag", "old", true],
      [null, "linen bag", false],
    ]);
  });

  it("removes exactly the chip's term and sets one range term per field", () => {
    expect(removeTerm('a status:approved campaign:"X Y"', 'campaign:"X Y"')).toBe("a status:approved");
    const q = setTerm("created:2026-01 mug", "created", rangeValue("2026-01-01", ""));
    expect(q).toBe("mug created:2026-01-01..");
    expect(termValue(q, "created")).toBe("2026-01-01..");
    expect(splitRange(termValue(q, "created"))).toEqual({ from: "2026-01-01", to: "" });
    expect(setTerm(q, "created", rangeValue("", ""))).toBe("mug");
  });

  it("quotes values that would break the grammar", () => {
    expect(formatTerm("campaign", 'say "hi"')).toBe('campaign:"say \\"hi\\""');
    expect(tokenize(formatTerm("campaign", 'say "hi"'))[0]!.value).toBe('say "hi"');
    expect(formatTerm("tag", "spring-hero")).toBe("tag:spring-hero");
  });
});
