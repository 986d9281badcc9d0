import type { TemplateDefinition } from "@/lib/templates/types";

/** Valid values for every variable of a template: defaults, the first option, or a plain word. */
export function initialValuesFor(def: TemplateDefinition): Record<string, string | number> {
  return Object.fromEntries(
    def.variables.map((v) => [
      v.name,
      v.default !== undefined
        ? v.default
        : v.type === "enum"
          ? v.options[0]!
          : v.type === "number"
            ? v.min
            : "ceramic mug",
    ]),
  );
}
