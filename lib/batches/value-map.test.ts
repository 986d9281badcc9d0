import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { SEED_TEMPLATES } from "@/lib/templates/seed-templates";
import type { TemplateDefinition } from "@/lib/templates/types";
import { parseCsv } from "./csv";
import { describeGroup, groupRowErrors, summariseLines } from "./group-errors";
import { headerKey, suggestMapping } from "./map-columns";
import { validateRows } from "./validate-rows";
import { applyValueMap, checkValueMap, offListColumns, valueMapSchema } from "./value-map";

const definition: TemplateDefinition = {
  body: "{{product_name}} on {{background}}, {{colour}}",
  styleTokens: "",
  negativePrompt: "",
  variables: [
    { type: "text", name: "product_name", label: "Product name", maxLength: 120, required: true },
    { type: "text", name: "colour", label: "Colour", maxLength: 40, required: false },
    {
      type: "enum",
      name: "background",
      label: "Background",
      options: ["white", "light grey", "pastel"],
      required: true,
      default: "white",
    },
    { type: "enum", name: "angle", label: "Angle", options: ["front", "side"], required: true },
  ],
};

/** The file: 120 rows whose background column says "studio grey" (and a few "Cream"). */
function merchandiserCsv() {
  const lines = ["Product Name,Background,Angle,SKU"];
  for (let i = 1; i <= 120; i++) lines.push(`Product ${i},${i % 40 === 0 ? "Cream" : "studio grey"},front,KLN-${i}`);
  return parseCsv(lines.join("\n"));
}

describe("header synonyms in auto-mapping", () => {
  it("treats colour/color, case, underscores, spaces, accents and a simple plural as the same header", () => {
    for (const h of ["color", "Colour", "COLOURS", "colors", "Cölour", " colour "])
      expect(headerKey(h)).toBe(headerKey("Colour"));
    expect(headerKey("product_name")).toBe(headerKey("Product  Name"));
    expect(headerKey("Backgrounds")).toBe("background");
    expect(headerKey("Dark Grey")).toBe(headerKey("dark_gray"));
    // Not plurals: words ending in -ss, -us, -is and short words keep their s.
    expect(headerKey("glass")).toBe("glass");
    expect(headerKey("status")).toBe("status");
    expect(headerKey("gas")).toBe("gas");
  });

  it("maps color to Colour and a plural header, and never links one header to two variables", () => {
    expect(suggestMapping(definition, ["product_names", "color", "Backgrounds", "ANGLE"])).toEqual({
      product_name: "product_names",
      colour: "color",
      background: "Backgrounds",
      angle: "ANGLE",
    });
    // An exact header wins over a synonym of it.
    expect(suggestMapping(definition, ["Colors", "colour"]).colour).toBe("colour");
    expect(suggestMapping(definition, ["size"])).toEqual({});
  });
});

describe("grouping identical row errors", () => {
  it("summarises lines as ranges and caps the pieces", () => {
    expect(summariseLines([5, 2, 3, 4, 9, 12, 13, 14])).toBe("2–5, 9, 12–14");
    expect(summariseLines([1, 3, 5, 7, 9, 11, 13, 15], 3)).toBe("1, 3, 5 and 5 more");
    expect(summariseLines([7, 7])).toBe("7");
  });

  it("says 120 identical problems once, with the rows summarised, largest group first", () => {
    const csv = merchandiserCsv();
    const checked = validateRows({ definition, csv, mapping: suggestMapping(definition, csv.headers) });
    expect(checked.invalid).toHaveLength(120);
    const groups = groupRowErrors(checked.invalid);
    expect(groups).toHaveLength(2);
    expect(describeGroup(groups[0]!)).toBe(
      '117 rows (lines 2–40, 42–80, 82–120): Background: "studio grey" is not one of the allowed values (white, light grey, pastel) (column "Background").',
    );
    expect(describeGroup(groups[1]!)).toBe(
      '3 rows (lines 41, 81, 121): Background: "Cream" is not one of the allowed values (white, light grey, pastel) (column "Background").',
    );
    expect(describeGroup({ message: "x", lines: [9], summary: "9" })).toBe("Line 9: x");
  });
});

describe("value mapping", () => {
  it("lists each mapped enum column's distinct off-list values with their row counts", () => {
    const csv = merchandiserCsv();
    expect(offListColumns(definition, csv.rows, suggestMapping(definition, csv.headers))).toEqual([
      {
        variable: "background",
        label: "Background",
        column: "Background",
        options: ["white", "light grey", "pastel"],
        hasDefault: true,
        values: [
          { value: "studio grey", rows: 117 },
          { value: "Cream", rows: 3 },
        ],
      },
    ]);
    // A value differing only in case is allowed (validation accepts it), so it is not listed.
    expect(
      offListColumns(definition, parseCsv("Product Name,Background\nA,WHITE\nB,").rows, {
        product_name: "Product Name",
        background: "Background",
      }),
    ).toEqual([]);
  });

  it("maps values to allowed options, the default or leaves the row out; the rows keep their file values and other columns", () => {
    const csv = merchandiserCsv();
    const checked = validateRows({
      definition,
      csv,
      mapping: suggestMapping(definition, csv.headers),
      valueMap: { background: { "studio grey": { to: "LIGHT GREY" }, Cream: { use: "skip" } } },
    });
    expect(checked.valid).toHaveLength(117);
    expect(checked.valid[0]).toEqual({
      line: 2,
      values: { product_name: "Product 1", background: "light grey", angle: "front" },
      source: { product_name: "Product 1", background: "studio grey", angle: "front" },
      carried: { sku: "KLN-1" },
    });
    expect(checked.invalid).toHaveLength(3);
    expect(checked.invalid[0]).toEqual({
      line: 41,
      errors: ['Left out at mapping: Background value "Cream" (column "Background") was set to “ignore the row”.'],
      values: { "Product Name": "Product 40", Background: "Cream", Angle: "front", SKU: "KLN-40" },
    });
    const toDefault = validateRows({
      definition,
      csv,
      mapping: suggestMapping(definition, csv.headers),
      valueMap: { background: { "studio grey": { use: "default" }, Cream: { to: "pastel" } } },
    });
    expect(toDefault.invalid).toEqual([]);
    expect(toDefault.valid.map((r) => r.values.background)).toEqual(expect.arrayContaining(["white", "pastel"]));
  });

  it("checks targets against the template, not against anything the client sent", () => {
    const fails = (map: unknown) => {
      try {
        checkValueMap(definition, valueMapSchema.parse(map));
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        return (e as AppError).message;
      }
    };
    expect(fails({ background: { "studio grey": { to: "studio grey" } } })).toBe(
      'Value mapping: "studio grey" is not one of Background\'s allowed values: white, light grey, pastel.',
    );
    expect(fails({ angle: { top: { use: "default" } } })).toBe(
      'Value mapping: Angle has no default; map "top" to an allowed value or leave those rows out.',
    );
    expect(fails({ colour: { red: { to: "blue" } } })).toBe(
      "Value mapping: Colour has no list of allowed values to map to.",
    );
    expect(fails({ nope: { a: { use: "skip" } } })).toBe('Value mapping: The template has no variable "nope".');
    expect(fails({ background: { a: { to: "Pastel" } } })).toBeNull();
    expect(() => valueMapSchema.parse({ background: { a: { to: "white", use: "skip" } } })).toThrow();
    expect(() => valueMapSchema.parse({ background: { a: { use: "delete" } } })).toThrow();
  });

  it("applies a checked map to one row: replace, drop for the default, or skip with a reason", () => {
    const map = checkValueMap(definition, {
      background: { "studio grey": { to: "white" }, Cream: { use: "default" }, Moon: { use: "skip" } },
    });
    expect(applyValueMap(definition, map, { background: " studio grey ", product_name: "A" })).toEqual({
      values: { background: "white", product_name: "A" },
    });
    expect(applyValueMap(definition, map, { background: "Cream" })).toEqual({ values: {} });
    expect(applyValueMap(definition, map, { background: "Moon" }).skipped).toBe(
      'Left out at mapping: Background value "Moon" was set to “ignore the row”.',
    );
    expect(applyValueMap(definition, map, { background: "pastel" })).toEqual({ values: { background: "pastel" } });
  });

  it("works on the seed product template's background list", () => {
    const csv = parseCsv("product_name,background\nMug,studio grey\n");
    const product = SEED_TEMPLATES.find((t) => t.definition.variables.some((v) => v.name === "background"))!.definition;
    const off = offListColumns(product, csv.rows, suggestMapping(product, csv.headers));
    expect(off.map((o) => [o.column, o.values])).toEqual([["background", [{ value: "studio grey", rows: 1 }]]]);
  });
});
