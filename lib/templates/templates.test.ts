import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { parseTemplateDefinition, templateDefinitionSchema } from "./definition-schema";
import { checkVariable, neutraliseValue, renderTemplate, variablesSchema } from "./render";
import { SEED_TEMPLATES } from "./seed-templates";
import { placeholdersOf, type TemplateDefinition } from "./types";

const def: TemplateDefinition = {
  body: "photo of {{product}}, {{colour}}, on {{background}}, {{ count }} items",
  styleTokens: "studio lighting, sharp focus",
  negativePrompt: "blurry, watermark",
  variables: [
    { type: "text", name: "product", label: "Product", maxLength: 20, required: true },
    { type: "text", name: "colour", label: "Colour", maxLength: 20, required: false },
    {
      type: "enum",
      name: "background",
      label: "Background",
      options: ["white", "Light grey"],
      required: true,
      default: "white",
    },
    { type: "number", name: "count", label: "Count", min: 1, max: 5, integer: true, required: false },
  ],
};

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("renderTemplate", () => {
  it("substitutes values and appends the locked style tokens", () => {
    const out = renderTemplate(def, { product: "  mug ", colour: "red", background: "light GREY", count: "3" });
    expect(out.prompt).toBe("photo of mug, red, on Light grey, 3 items, studio lighting, sharp focus");
    expect(out.negativePrompt).toBe("blurry, watermark");
    expect(out.values).toEqual({ product: "mug", colour: "red", background: "Light grey", count: 3 });
  });

  it("applies defaults, drops unset optionals and tidies the commas they leave", () => {
    const out = renderTemplate(def, { product: "mug", extra: "ignored" });
    expect(out.prompt).toBe("photo of mug, on white, items, studio lighting, sharp focus");
    expect(out.values).toEqual({ product: "mug", background: "white" });
  });

  it("rejects bad values with per-variable messages", () => {
    const error = errorOf(() =>
      renderTemplate(def, { product: "", background: "pink", count: "2.5", colour: "x".repeat(21) }),
    );
    expect(error.code).toBe("invalid_input");
    expect(error.fields).toMatchObject({
      product: ["Product is required."],
      background: ["Background must be one of: white, Light grey."],
      count: ["Count must be a whole number."],
      colour: ["Colour must be at most 20 characters."],
    });
  });

  it.each([
    ["lora injection", "mug <lora:nsfw_v2:1.5>", "mug lora nsfw_v2 1.5"],
    ["weighting", "(nude:1.5) mug", "nude 1.5 mug"],
    ["de-emphasis and prompt editing", "[mug:cat:0.5]", "mug cat 0.5"],
    ["alternation", "[mug|gun]", "mug gun"],
    ["wildcards", "__celebrity__ {a|b}", "_celebrity_ a b"],
    ["placeholder in a value is never re-expanded", "{{colour}}", "colour"],
    ["newlines and tabs", "mug\nBREAK\tgun", "mug break gun"],
    ["composable diffusion keyword", "mug AND gun", "mug and gun"],
    ["escapes", "mug \\(x\\)", "mug x"],
    ["compel weighting", "mug++ gun-- cat-", "mug gun cat"],
    ["embedding syntax", "embedding:bad", "embedding bad"],
  ])("neutralises %s", (_, value, expected) => {
    expect(neutraliseValue(value)).toBe(expected);
  });

  it("keeps ordinary punctuation, hyphenated words and case", () => {
    // A1111 splits on \bAND\b, so "AND-free" must lose its capitals too.
    expect(neutraliseValue("T-shirt, 3-pack; AND-free Andrew's Bag")).toBe("T-shirt, 3-pack; and-free Andrew's Bag");
  });

  it("cannot reach the locked tokens through any value", () => {
    const out = renderTemplate(def, { product: "m), (worst:0", colour: "<lora:x:2>" });
    expect(out.prompt).toBe("photo of m, worst 0, lora x 2, on white, items, studio lighting, sharp focus");
    expect(out.prompt).not.toMatch(/[()<>[\]:]/);
    expect(out.negativePrompt).toBe(def.negativePrompt);
  });

  it("rejects control characters and bidi overrides but accepts a multi-line message", () => {
    expect(checkVariable(def.variables[0]!, "mu\u0000g")).toEqual({
      ok: false,
      message: "Product contains control characters.",
    });
    expect(checkVariable(def.variables[0]!, "mu\u202Eg").ok).toBe(false);
    expect(renderTemplate(def, { product: "two\nlines" }).prompt).toContain("photo of two lines,");
  });

  it("counts max length in characters, not UTF-16 units", () => {
    expect(checkVariable(def.variables[0]!, "🙂".repeat(20)).ok).toBe(true);
    expect(checkVariable(def.variables[0]!, "🙂".repeat(21)).ok).toBe(false);
  });
});

describe("variablesSchema", () => {
  const schema = variablesSchema(def);
  it("accepts numbers as numbers or numeric strings and checks the range", () => {
    expect(schema.parse({ product: "a", count: 5 })).toEqual({ product: "a", background: "white", count: 5 });
    expect(schema.parse({ product: "a", count: " 1 " })).toMatchObject({ count: 1 });
    expect(schema.safeParse({ product: "a", count: 6 }).success).toBe(false);
    expect(schema.safeParse({ product: "a", count: "1e400" }).success).toBe(false);
    expect(schema.safeParse({ product: "a", count: "3 apples" }).success).toBe(false);
    expect(schema.safeParse({ product: "a", count: "0x3" }).success).toBe(false);
  });
  it("rejects non-scalar values", () => {
    expect(schema.safeParse({ product: ["a"] }).success).toBe(false);
    expect(schema.safeParse({ product: { toString: () => "a" } }).success).toBe(false);
  });
});

describe("templateDefinitionSchema", () => {
  const issues = (input: unknown) => {
    const result = templateDefinitionSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("accepts a valid definition and finds its placeholders", () => {
    expect(issues(def)).toEqual([]);
    expect(placeholdersOf(def.body)).toEqual(["product", "colour", "background", "count"]);
  });

  it("requires placeholders and declarations to agree", () => {
    expect(issues({ ...def, body: "photo of {{product}} {{mystery}}, {{colour}} {{background}} {{count}}" })).toEqual([
      "body: placeholder {{mystery}} has no declared variable",
    ]);
    expect(issues({ ...def, body: "photo of {{product}}" })).toEqual([
      'variables.1.name: variable "colour" is never used in the body',
      'variables.2.name: variable "background" is never used in the body',
      'variables.3.name: variable "count" is never used in the body',
    ]);
  });

  it("rejects malformed placeholders, duplicate and badly named variables", () => {
    const one = { type: "text", name: "a", label: "A", maxLength: 5, required: true };
    expect(issues({ ...def, body: "{{a}} {{A}}", variables: [one] })[0]).toMatch(/malformed placeholder/);
    expect(issues({ ...def, body: "{{a}}", variables: [one, one] })).toEqual([
      'variables.1.name: variable "a" is declared twice',
    ]);
    expect(issues({ ...def, body: "x", variables: [{ ...one, name: "Bad-Name" }] })[0]).toMatch(
      /^variables.0.name: must start/,
    );
  });

  it("checks each variable kind's own rules", () => {
    const body = "{{v}}";
    const bad = [
      { type: "text", name: "v", label: "V", maxLength: 3, required: true, default: "toolong" },
      { type: "enum", name: "v", label: "V", options: [], required: true },
      { type: "enum", name: "v", label: "V", options: ["a", "A"], required: true },
      { type: "enum", name: "v", label: "V", options: ["a"], required: true, default: "b" },
      { type: "enum", name: "v", label: "V", options: ["<lora:x:1>"], required: true },
      { type: "number", name: "v", label: "V", min: 5, max: 1, required: true },
      { type: "number", name: "v", label: "V", min: 0.5, max: 2, integer: true, required: true },
      { type: "number", name: "v", label: "V", min: 0, max: 2, required: true, default: 3 },
      { type: "colour", name: "v", label: "V", required: true },
    ];
    for (const variable of bad)
      expect(issues({ ...def, body, variables: [variable] }), JSON.stringify(variable)).not.toEqual([]);
  });

  it("accepts a title pattern naming variables or CSV columns, and refuses a malformed one", () => {
    expect(issues({ ...def, titlePattern: "{{product}} {{sku}}" })).toEqual([]);
    expect(parseTemplateDefinition({ ...def, titlePattern: "  {{ product }} · {{category}} " }).titlePattern).toBe(
      "{{ product }} · {{category}}",
    );
    // Empty means "no pattern" and is stored absent.
    expect(parseTemplateDefinition({ ...def, titlePattern: "" })).not.toHaveProperty("titlePattern");
    expect(issues({ ...def, titlePattern: "{{Product}}" })).toEqual([
      "titlePattern: malformed placeholder: use {{name}} with a lower-case variable or CSV column name",
    ]);
    expect(issues({ ...def, titlePattern: "{{product}" })[0]).toMatch(/^titlePattern: malformed placeholder/);
    expect(issues({ ...def, titlePattern: "Spring hero" })).toEqual([
      "titlePattern: name at least one {{variable}} or {{column}}, or leave it empty",
    ]);
    expect(issues({ ...def, titlePattern: "{{product}}\n{{sku}}" })[0]).toMatch(/^titlePattern: must be a single line/);
    expect(issues({ ...def, titlePattern: `{{product}} ${"x".repeat(200)}` })[0]).toMatch(/^titlePattern/);
  });

  it("enforces size limits and single-line locked fields", () => {
    expect(issues({ ...def, styleTokens: "a\nb" })[0]).toMatch(/^styleTokens: must be a single line/);
    expect(issues({ ...def, negativePrompt: "x".repeat(2001) })[0]).toMatch(/^negativePrompt/);
    const huge = { type: "text", name: "v", label: "V", maxLength: 1000, required: true };
    const many = Array.from({ length: 7 }, (_, i) => ({ ...huge, name: `v${i}` }));
    expect(issues({ ...def, body: many.map((v) => `{{${v.name}}}`).join(" "), variables: many })[0]).toMatch(
      /could reach \d+ characters/,
    );
  });

  it("throws AppError invalid_input through parseTemplateDefinition", () => {
    expect(errorOf(() => parseTemplateDefinition({ ...def, body: "" })).code).toBe("invalid_input");
  });
});

describe("seed templates", () => {
  it.each(SEED_TEMPLATES.map((t) => [t.name, t] as const))("%s is a valid definition that renders", (_, template) => {
    expect(parseTemplateDefinition(template.definition)).toEqual(template.definition);
    const header = template.exampleCsv!.split("\n")[0]!.split(",");
    const row = template.exampleCsv!.split("\n")[1]!.split(",");
    const values = Object.fromEntries(header.map((h, i) => [h, row[i]]));
    const out = renderTemplate(template.definition, values);
    expect(out.prompt.endsWith(template.definition.styleTokens)).toBe(true);
    expect(out.prompt).not.toContain("{{");
    expect(out.negativePrompt.length).toBeGreaterThan(10);
  });

  it("has unique slugs, the three templates the seeds describe, and aspect hints for every platform", () => {
    expect(new Set(SEED_TEMPLATES.map((t) => t.slug)).size).toBe(3);
    const social = SEED_TEMPLATES.find((t) => t.slug === "social-post-per-platform")!;
    const platform = social.definition.variables.find((v) => v.name === "platform");
    expect(platform?.type).toBe("enum");
    if (platform?.type === "enum")
      expect(Object.keys(social.aspectHints!.byOption).sort()).toEqual([...platform.options].sort());
  });
});

describe("optional segments", () => {
  const product: TemplateDefinition = {
    body: "product photo of {{product}}, [[made of {{material}}, ]]{{colour}}, [[{{count}} pieces ]]on {{background}}",
    styleTokens: "studio lighting",
    negativePrompt: "blurry",
    variables: [
      { type: "text", name: "product", label: "Product", maxLength: 40, required: true },
      { type: "text", name: "material", label: "Material", maxLength: 40, required: false },
      { type: "text", name: "colour", label: "Colour", maxLength: 20, required: false },
      { type: "number", name: "count", label: "Count", min: 1, max: 9, integer: true, required: false },
      { type: "enum", name: "background", label: "Background", options: ["white"], required: true, default: "white" },
    ],
  };

  it("drops a segment whose variable is empty, leaving no dangling words", () => {
    const { prompt } = renderTemplate(product, { product: "Trail shoe", colour: "slate blue" });
    expect(prompt).toBe("product photo of Trail shoe, slate blue, on white, studio lighting");
    expect(prompt).not.toContain("made of");
  });

  it("keeps a filled segment without its brackets", () => {
    const { prompt } = renderTemplate(product, { product: "Mug", material: "stoneware", colour: "sage", count: 2 });
    expect(prompt).toBe("product photo of Mug, made of stoneware, sage, 2 pieces on white, studio lighting");
  });

  it("drops a segment when the value neutralises to nothing, and a value cannot open a segment", () => {
    expect(renderTemplate(product, { product: "Mug", material: "()" }).prompt).not.toContain("made of");
    expect(renderTemplate(product, { product: "Mug", material: "[[x]]" }).prompt).toContain("made of x,");
  });

  it("is validated at save: unclosed, nested, or without an optional variable", () => {
    const problems = (body: string) => {
      const result = templateDefinitionSchema.safeParse({
        ...product,
        body: `${body} {{product}} {{material}} {{colour}} {{count}} {{background}}`,
      });
      return result.success ? [] : result.error.issues.map((i) => i.message);
    };
    expect(problems("[[made of {{material}}]]")).toEqual([]);
    expect(problems("[[made of {{material}}")).toEqual([
      "unclosed or nested optional segment: write [[text with {{variable}}]], one level deep",
    ]);
    expect(problems("[[a [[made of {{material}}]] b]]")).toHaveLength(1);
    expect(problems("[[photo of {{product}}]]")).toEqual([
      "optional segment “[[photo of {{product}}]]” must contain an optional variable's {{placeholder}}",
    ]);
    expect(problems("[[on {{background}}]]")).toHaveLength(1); // a default always fills it
    expect(problems("[[highly detailed]]")).toHaveLength(1);
  });
});
