import { describe, expect, it } from "vitest";
import { assetTitle, generationTitle, renderTitlePattern, TITLE_MAX, variantSuffix } from "./title";

describe("renderTitlePattern", () => {
  const values = { product_name: "Trail shoe", size: 42 };
  const carried = { sku: "KLN-0042", category: "Footwear" };

  it("fills variables first, then carried columns; numbers are written as numbers", () => {
    expect(renderTitlePattern("{{product_name}} {{sku}}", { values, carried })).toBe("Trail shoe KLN-0042");
    expect(renderTitlePattern("{{ category }} / {{product_name}} ({{size}})", { values, carried })).toBe(
      "Footwear / Trail shoe (42)",
    );
    // A variable wins over a carried column of the same name (the browser renames such columns anyway).
    expect(renderTitlePattern("{{product_name}}", { values, carried: { product_name: "Other" } })).toBe("Trail shoe");
  });

  it("leaves missing names empty, collapses whitespace and trims separators they leave dangling", () => {
    expect(renderTitlePattern("{{product_name}} · {{sku}}", { values })).toBe("Trail shoe");
    expect(renderTitlePattern("{{colour}} — {{sku}}", { values, carried })).toBe("KLN-0042");
    expect(
      renderTitlePattern("  {{product_name}}\n\t  {{sku}}  ", { values: { product_name: "Trail\n  shoe" }, carried }),
    ).toBe("Trail shoe KLN-0042");
    expect(renderTitlePattern("{{nothing}} - {{missing}}", { values, carried })).toBe("");
    expect(renderTitlePattern(undefined, { values })).toBe("");
    expect(renderTitlePattern("   ", { values })).toBe("");
  });

  it("strips control and bidi characters from values", () => {
    expect(renderTitlePattern("{{sku}}", { values: {}, carried: { sku: "KLN\u202E-0042\u0007" } })).toBe("KLN -0042");
  });

  it("caps the title at 200 characters with an ellipsis", () => {
    const long = "x".repeat(300);
    const out = renderTitlePattern("{{a}}", { values: { a: long } });
    expect([...out]).toHaveLength(TITLE_MAX);
    expect(out.endsWith("…")).toBe(true);
  });
});

describe("variantSuffix and generationTitle", () => {
  it("adds the variant and/or aspect ratio only when the row makes several images", () => {
    expect(variantSuffix({ variant: 0, variantsPerRow: 1, ratio: "1:1", ratioCount: 1 })).toBe("");
    expect(variantSuffix({ variant: 1, variantsPerRow: 3, ratio: "1:1", ratioCount: 1 })).toBe(" · 2/3");
    expect(variantSuffix({ variant: 0, variantsPerRow: 1, ratio: "16:9", ratioCount: 2 })).toBe(" · 16:9");
    expect(variantSuffix({ variant: 2, variantsPerRow: 3, ratio: "16:9", ratioCount: 2 })).toBe(" · 3/3 · 16:9");
  });

  it("keeps the suffix within the cap, and is empty when the pattern renders empty", () => {
    const suffix = " · 2/3 · 16:9";
    const title = generationTitle({ pattern: "{{a}}", values: { a: "y".repeat(400) }, suffix });
    expect([...title]).toHaveLength(TITLE_MAX);
    expect(title.endsWith(`…${suffix}`)).toBe(true);
    expect(generationTitle({ pattern: "{{a}} {{sku}}", values: {}, carried: {}, suffix })).toBe("");
    expect(generationTitle({ pattern: undefined, values: { a: "b" }, suffix })).toBe("");
  });
});

describe("assetTitle", () => {
  it("is the stored title, or the row and variant for rows without a pattern", () => {
    expect(assetTitle({ title: "Trail shoe KLN-0042 · 2/3", line: 3, variant: 1 })).toBe("Trail shoe KLN-0042 · 2/3");
    expect(assetTitle({ title: "", line: 3, variant: 0 })).toBe("Row 3, variant 1");
    expect(assetTitle({ title: "   ", line: 3, variant: 4 })).toBe("Row 3, variant 5");
    expect(assetTitle({ title: null, line: null })).toBe("Untitled asset");
  });
});
