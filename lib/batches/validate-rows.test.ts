import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { SEED_TEMPLATES } from "@/lib/templates/seed-templates";
import type { TemplateDefinition } from "@/lib/templates/types";
import { parseCsv } from "./csv";
import { checkMapping, suggestMapping } from "./map-columns";
import { preview, validateRows } from "./validate-rows";

const definition: TemplateDefinition = {
  body: "photo of {{product_name}}, {{colour}}, on {{background}}, pack of {{pack}}",
  styleTokens: "studio lighting",
  negativePrompt: "blurry",
  variables: [
    { type: "text", name: "product_name", label: "Product name", maxLength: 30, required: true },
    { type: "text", name: "colour", label: "Colour", maxLength: 20, required: false },
    {
      type: "enum",
      name: "background",
      label: "Background",
      options: ["white", "grey"],
      required: true,
      default: "white",
    },
    { type: "number", name: "pack", label: "Pack size", min: 1, max: 12, integer: true, required: false },
  ],
};

const file = [
  "SKU;Product Name;Colour;Bg;Pack;Tier",
  'A1;"Mug, large";red;White;6;hero',
  'A2;"Bowl',
  'with a two-line name";;grey;;',
  "A3;;blue;pink;13;gold",
  "",
  'A4;"Plate ""classic""";"green";GREY;2;Support',
  "A5;Cup;x;white;1;draft;surplus",
].join("\r\n");

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("validateRows", () => {
  const csv = parseCsv(file);
  const mapping = { product_name: "Product Name", colour: "Colour", background: "Bg", pack: "Pack" };

  it("splits valid and invalid rows with the file's line numbers (multi-line quoted fields included)", () => {
    const result = validateRows({ definition, csv, mapping, tier: { column: "Tier" } });
    // `source` (the file's values before any value map) is covered in value-map.test.ts.
    expect(result.valid.map(({ source: _s, ...r }) => r)).toEqual([
      {
        line: 2,
        values: { product_name: "Mug, large", colour: "red", background: "white", pack: 6 },
        carried: { sku: "A1" },
        tier: "hero",
      },
      { line: 3, values: { product_name: "Bowl\nwith a two-line name", background: "grey" }, carried: { sku: "A2" } },
      {
        line: 7,
        values: { product_name: 'Plate "classic"', colour: "green", background: "grey", pack: 2 },
        carried: { sku: "A4" },
        tier: "support",
      },
    ]);
    expect(result.invalid.map(({ values: _v, ...r }) => r)).toEqual([
      {
        line: 5,
        errors: [
          'Product name is required (column "Product Name").',
          'Background: "pink" is not one of the allowed values (white, grey) (column "Bg").',
          'Pack size must be between 1 and 12 (column "Pack").',
          'Tier "gold" (column "Tier") is not one of: draft, support, hero.',
        ],
      },
      { line: 8, errors: ["This row has 7 fields but the header has 6 columns (a missing quote or delimiter?)."] },
    ]);
  });

  it("applies constants and defaults for unmapped variables, and custom tier lists", () => {
    const result = validateRows({
      definition,
      csv,
      mapping: { product_name: "SKU", colour: { constant: "black" } },
      tier: { column: "Tier", tiers: ["hero", "support", "draft"] },
    });
    // Unmapped columns are carried; keys that clash with a variable's name get "_2".
    expect(result.valid[0]).toEqual({
      source: { product_name: "A1", colour: "black" },
      line: 2,
      values: { product_name: "A1", colour: "black", background: "white" },
      carried: { product_name_2: "Mug, large", colour_2: "red", bg: "White", pack_2: "6" },
      tier: "hero",
    });
    expect(result.invalid.map((r) => r.line)).toEqual([5, 8]);
  });

  it("refuses a broken mapping once, with per-variable fields", () => {
    const error = errorOf(() =>
      validateRows({
        definition,
        csv,
        mapping: { colour: "Nope", extra: "SKU", pack: { constant: 99 } },
        tier: { column: "Level" },
      }),
    );
    expect(error.code).toBe("invalid_input");
    expect(error.fields).toEqual({
      colour: ['The file has no column "Nope".'],
      extra: ['The template has no variable "extra".'],
      pack: ["Pack size must be between 1 and 12."],
      product_name: ["Map a column to Product name or give it a fixed value."],
      tier: ['The file has no column "Level".'],
    });
    expect(error.message).toBe('Column mapping: The file has no column "Nope".');
  });

  it("validates 10,000 rows", () => {
    const big = parseCsv(
      "name,pack\n" + Array.from({ length: 10_000 }, (_, i) => `item ${i},${(i % 13) + 1}`).join("\n"),
    );
    const result = validateRows({ definition, csv: big, mapping: { product_name: "name", pack: "pack" } });
    expect(result.valid.length + result.invalid.length).toBe(10_000);
    expect(result.invalid).toHaveLength(769);
    expect(result.invalid[0]).toMatchObject({
      line: 14,
      errors: ['Pack size must be between 1 and 12 (column "pack").'],
    });
  });
});

describe("preview and suggestMapping", () => {
  const csv = parseCsv(file);

  it("suggests columns by variable name or label, ignoring case and separators", () => {
    expect(suggestMapping(definition, csv.headers)).toEqual({
      product_name: "Product Name",
      colour: "Colour",
      pack: "Pack",
    });
    const product = SEED_TEMPLATES[0]!;
    const header = parseCsv(product.exampleCsv!).headers;
    expect(Object.keys(suggestMapping(product.definition, header)).sort()).toEqual(
      product.definition.variables.map((v) => v.name).sort(),
    );
  });

  it("renders the first n rows or shows their errors", () => {
    const rows = preview({ definition, csv, mapping: suggestMapping(definition, csv.headers) }, 3);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      line: 2,
      errors: [],
      prompt: "photo of Mug, large, red, on white, pack of 6, studio lighting",
      negativePrompt: "blurry",
    });
    expect(rows[1]!.prompt).toBe("photo of Bowl with a two-line name, on white, pack of, studio lighting");
    expect(rows[2]!.line).toBe(5);
    expect(rows[2]!.prompt).toBeUndefined();
    expect(rows[2]!.errors).toHaveLength(2);
    expect(preview({ definition, csv, mapping: { product_name: "SKU" } }, 0)).toEqual([]);
  });

  it("checkMapping accepts a complete mapping", () => {
    expect(() => checkMapping({ definition, headers: csv.headers, mapping: { product_name: "SKU" } })).not.toThrow();
  });
});
