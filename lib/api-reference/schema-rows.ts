/**
 * Turns OpenAPI 3.1 schemas (as zod-to-openapi writes them) into rows a page can show as a field
 * tree: name, type, required, description, constraints, and nested fields. $refs are followed
 * (and named), nullable forms (`type: [x, "null"]`, `anyOf` with null) are folded into "x | null".
 */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  nullable?: boolean;
};

export type SchemaRow = {
  name: string;
  type: string;
  required: boolean;
  description: string | null;
  /** Allowed values, bounds, format, default: what a caller must know to send a valid value. */
  constraints: string[];
  children: SchemaRow[];
};

export type Components = Record<string, JsonSchema>;

/** Deep enough for any real shape; stops a self-referencing schema from recursing forever. */
const MAX_DEPTH = 6;

export function refName(ref: string): string {
  return ref.split("/").pop() ?? ref;
}

function resolve(schema: JsonSchema, components: Components): { schema: JsonSchema; ref: string | null } {
  if (schema.$ref) {
    const target = components[refName(schema.$ref)];
    return {
      schema: { ...(target ?? {}), description: schema.description ?? target?.description },
      ref: refName(schema.$ref),
    };
  }
  return { schema, ref: null };
}

/** A schema's variants without the null branch, and whether null was one of them. */
function variants(schema: JsonSchema): { options: JsonSchema[] | null; nullable: boolean } {
  const list = schema.anyOf ?? schema.oneOf;
  if (!list) return { options: null, nullable: false };
  const nonNull = list.filter((s) => s.type !== "null");
  return { options: nonNull, nullable: nonNull.length < list.length };
}

export function typeLabel(raw: JsonSchema, components: Components): string {
  const { schema, ref } = resolve(raw, components);
  const { options, nullable } = variants(schema);
  let label: string;
  if (options) label = options.map((o) => typeLabel(o, components)).join(" | ");
  else if (schema.allOf?.length) label = schema.allOf.map((o) => typeLabel(o, components)).join(" & ");
  else {
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    const main = types.filter((t) => t !== "null");
    const base =
      main
        .map((t) => (t === "array" ? `array of ${schema.items ? typeLabel(schema.items, components) : "any"}` : t))
        .join(" | ") || (schema.const !== undefined ? typeof schema.const : "any");
    label = ref && main.includes("object") ? ref : base;
    if (types.includes("null")) label += " | null";
  }
  if (nullable || schema.nullable) label += " | null";
  return label;
}

function constraintsOf(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (schema.const !== undefined) out.push(`always ${JSON.stringify(schema.const)}`);
  if (schema.enum)
    out.push(
      schema.enum.length === 1
        ? `always ${JSON.stringify(schema.enum[0])}`
        : `one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`,
    );
  if (schema.format) out.push(`format ${schema.format}`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) out.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) out.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minLength !== undefined) out.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) out.push(`at most ${schema.maxLength} characters`);
  if (schema.minItems !== undefined) out.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems} items`);
  if (schema.pattern) out.push(`matches /${schema.pattern}/`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

/** The object a schema describes fields of: itself, an array's items, or the object branch of a union. */
function fieldsHolder(raw: JsonSchema, components: Components): JsonSchema | null {
  const { schema } = resolve(raw, components);
  if (schema.properties) return schema;
  if (schema.items) return fieldsHolder(schema.items, components);
  const { options } = variants(schema);
  if (options?.length === 1) return fieldsHolder(options[0]!, components);
  if (schema.allOf?.length) {
    const merged: JsonSchema = { properties: {}, required: [] };
    for (const part of schema.allOf) {
      const h = fieldsHolder(part, components);
      if (h?.properties) Object.assign(merged.properties!, h.properties);
      merged.required!.push(...(h?.required ?? []));
    }
    return merged;
  }
  return null;
}

/** Every field of an object schema (or of an array's items), nested objects as children. */
export function schemaRows(raw: JsonSchema, components: Components, depth = 0): SchemaRow[] {
  if (depth >= MAX_DEPTH) return [];
  const holder = fieldsHolder(raw, components);
  if (!holder?.properties) return [];
  const required = new Set(holder.required ?? []);
  return Object.entries(holder.properties).map(([name, prop]) => {
    const { schema } = resolve(prop, components);
    const { options } = variants(schema);
    const single = options?.length === 1 ? resolve(options[0]!, components).schema : schema;
    return {
      name,
      type: typeLabel(prop, components),
      required: required.has(name),
      description: prop.description ?? schema.description ?? null,
      constraints: constraintsOf(single),
      children: schemaRows(prop, components, depth + 1),
    };
  });
}
