import { describe, expect, it } from "vitest";
import type { TemplateDefinition } from "@/lib/templates/types";
import {
  CARRY_LIMITS,
  carriedColumnsSchema,
  carriedValues,
  normaliseColumnKey,
  planCarriedColumns,
} from "./carry-columns";
import { parseCsv } from "./csv";
import { suggestMapping } from "./map-columns";
import { preview, validateRows } from "./validate-rows";

describe("normaliseColumnKey", () => {
  it("makes a variable-shaped key from a header", () => {
    expect(normaliseColumnKey("SKU")).toBe("sku");
    expect(normaliseColumnKey("  Product Category ")).toBe("product_category");
    expect(normaliseColumnKey("Größe (cm)")).toBe("grosse_cm");
    expect(normaliseColumnKey("Crème brûlée #")).toBe("creme_brulee");
    expect(normaliseColumnKey("2nd SKU")).toBe("c_2nd_sku");
    expect(normaliseColumnKey("###")).toBe("");
    expect(normaliseColumnKey("品番")).toBe("");
  });

  it("caps keys at 40 characters without a trailing underscore", () => {
    const key = normaliseColumnKey(`${"a".repeat(39)} b and more`);
    expect(key).toBe("a".repeat(39));
    expect(normaliseColumnKey("x".repeat(80))).toHaveLength(CARRY_LIMITS.key);
  });
});

describe("planCarriedColumns", () => {
  it("carries every column not mapped to a variable and not the tier column", () => {
    const plan = planCarriedColumns({
      headers: ["SKU", "Product name", "Category", "tier"],
      mapping: { product_name: "Product name", background: { constant: "white" } },
      variableNames: ["product_name", "background"],
      tierColumn: "tier",
    });
    expect(plan.columns).toEqual([
      { header: "SKU", key: "sku" },
      { header: "Category", key: "category" },
    ]);
    expect(plan.dropped).toEqual([]);
    expect(plan.renamed).toEqual([]);
  });

  it("renames keys that clash with a variable or an earlier column, and names symbol-only headers by position", () => {
    const plan = planCarriedColumns({
      headers: ["Name", "Product name", "product-name", "SKU", "sku ", "***"],
      mapping: { product_name: "Name" },
      variableNames: ["product_name"],
    });
    expect(plan.columns.map((c) => c.key)).toEqual(["product_name_2", "product_name_3", "sku", "sku_2", "column_6"]);
    expect(plan.renamed).toEqual([
      { header: "Product name", key: "product_name_2", reason: '"product_name" is a template variable' },
      { header: "product-name", key: "product_name_3", reason: '"product_name" is a template variable' },
      { header: "sku ", key: "sku_2", reason: '"sku" is already a column' },
    ]);
  });

  it("keeps the first 30 extra columns and says which were dropped", () => {
    const headers = Array.from({ length: 33 }, (_, i) => `col ${i + 1}`);
    const plan = planCarriedColumns({ headers, mapping: {}, variableNames: [] });
    expect(plan.columns).toHaveLength(CARRY_LIMITS.columns);
    expect(plan.dropped.map((d) => d.header)).toEqual(["col 31", "col 32", "col 33"]);
    expect(plan.dropped[0]!.reason).toContain("first 30");
  });
});

describe("carriedValues", () => {
  const plan = planCarriedColumns({ headers: ["SKU", "Notes", "Empty"], mapping: {}, variableNames: [] });

  it("trims, flattens line breaks, leaves empty cells out and cuts long values at 500", () => {
    const out = carriedValues(plan, {
      SKU: "  KLN-0042 ",
      Notes: `line one\nline two ${"z".repeat(600)}`,
      Empty: "   ",
    });
    expect(out.values.sku).toBe("KLN-0042");
    expect(out.values.notes!.startsWith("line one line two")).toBe(true);
    expect([...out.values.notes!]).toHaveLength(CARRY_LIMITS.value);
    expect(out.values).not.toHaveProperty("empty");
    expect(out.cut).toEqual(["notes"]);
  });
});

describe("carriedColumnsSchema (what the server accepts)", () => {
  it("accepts planned rows and refuses keys, values or counts over the caps", () => {
    expect(carriedColumnsSchema.safeParse({ sku: "KLN-0042", category: "Footwear" }).success).toBe(true);
    expect(carriedColumnsSchema.safeParse({ "Bad Key": "x" }).success).toBe(false);
    expect(carriedColumnsSchema.safeParse({ ["k".repeat(41)]: "x" }).success).toBe(false);
    expect(carriedColumnsSchema.safeParse({ sku: "v".repeat(501) }).success).toBe(false);
    expect(carriedColumnsSchema.safeParse({ sku: "a\u0000b" }).success).toBe(false);
    expect(
      carriedColumnsSchema.safeParse(Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`c${i}`, "x"]))).success,
    ).toBe(false);
  });
});

describe("validateRows and preview carry the columns", () => {
  const definition: TemplateDefinition = {
    body: "photo of {{product_name}}",
    styleTokens: "studio",
    negativePrompt: "blurry",
    variables: [{ type: "text", name: "product_name", label: "Product name", maxLength: 60, required: true }],
    titlePattern: "{{product_name}} {{sku}}",
  };
  const csv = parseCsv(
    "SKU,Product name,Category\nKLN-0042,Trail shoe,Footwear\nKLN-0043,,Footwear\nKLN-0044,Rain jacket,\n",
  );

  it("puts the carried values on each valid row and reports the plan", () => {
    const checked = validateRows({ definition, csv, mapping: suggestMapping(definition, csv.headers) });
    expect(checked.valid.map(({ source: _s, ...r }) => r)).toEqual([
      { line: 2, values: { product_name: "Trail shoe" }, carried: { sku: "KLN-0042", category: "Footwear" } },
      { line: 4, values: { product_name: "Rain jacket" }, carried: { sku: "KLN-0044" } },
    ]);
    expect(checked.invalid.map((r) => r.line)).toEqual([3]);
    expect(checked.carry.columns.map((c) => c.key)).toEqual(["sku", "category"]);
    expect(checked.carry.cut).toEqual({});
  });

  it("previews each row's title", () => {
    const rows = preview({ definition, csv, mapping: suggestMapping(definition, csv.headers) }, 3);
    expect(rows[0]!.title).toBe("Trail shoe KLN-0042");
    expect(rows[1]!.title).toBeUndefined(); // an invalid row renders nothing
  });
});
