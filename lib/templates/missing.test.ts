import { describe, expect, it } from "vitest";
import { missingRequired } from "./missing";
import type { VariableDef } from "./types";

const vars: VariableDef[] = [
  { name: "product", label: "Product name", type: "text", required: true, maxLength: 80 },
  { name: "material", label: "Material", type: "text", required: false, maxLength: 40 },
  {
    name: "background",
    label: "Background",
    type: "enum",
    required: true,
    options: ["white", "studio"],
    default: "white",
  },
];

describe("missingRequired", () => {
  it("names required variables left empty, ignoring optional ones and those with a default", () => {
    expect(missingRequired(vars, { product: "", material: "", background: "" }).map((v) => v.name)).toEqual([
      "product",
    ]);
    expect(missingRequired(vars, { product: "   " }).map((v) => v.name)).toEqual(["product"]);
    expect(missingRequired(vars, { product: "Mug" })).toEqual([]);
  });
});
