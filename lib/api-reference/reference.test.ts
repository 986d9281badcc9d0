import { describe, expect, it, vi } from "vitest";
import { API_ERROR_CODES } from "@/lib/api/errors";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import "@/lib/api/v1";
import { anchorFor, buildReference, exampleValue, type OpenApiDocument } from "./reference";
import { schemaRows, typeLabel } from "./schema-rows";

vi.mock("server-only", () => ({}));

describe("the reference built from Kiln's own OpenAPI document", () => {
  const ref = buildReference(buildOpenApiDocument("https://kiln.example.com") as OpenApiDocument, API_ERROR_CODES);

  it("has the API's title, server and every documented operation, grouped by tag", () => {
    expect(ref).toMatchObject({ title: "Kiln API", serverUrl: "https://kiln.example.com" });
    const me = ref.groups.find((g) => g.tag === "Tokens")?.operations.find((o) => o.path === "/api/v1/me");
    expect(me).toMatchObject({
      method: "GET",
      anchor: "get-api-v1-me",
      scope: "any",
      summary: "The token and the user it acts as",
      requestBody: null,
    });
    expect(me!.description).toBeNull(); // the "Scope:" line moved into `scope`
    const ok = me!.responses.find((r) => r.status === "200")!;
    expect(ok.isError).toBe(false);
    expect(ok.headers.map((h) => h.name)).toEqual(["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]);
    expect(ok.body!.rows.map((r) => r.name)).toEqual(["object", "token", "user"]);
    const user = ok.body!.rows.find((r) => r.name === "user")!;
    expect(user.children.find((c) => c.name === "role")).toMatchObject({
      type: "string",
      required: true,
      constraints: ['one of "admin", "designer", "reviewer", "finance"'],
    });
    expect(JSON.parse(ok.body!.example!)).toMatchObject({ object: "token", user: { role: "admin" } });
    expect(me!.responses.filter((r) => r.isError).map((r) => r.status)).toEqual(["400", "401", "403", "429"]);
    expect(me!.curl).toBe('curl "$KILN_URL/api/v1/me" \\\n  -H "Authorization: Bearer $KILN_TOKEN"');
  });

  it("lists every error code with its HTTP status and what it means", () => {
    expect(ref.errorCodes.map((e) => e.code).sort()).toEqual(Object.keys(API_ERROR_CODES).sort());
    for (const e of ref.errorCodes) {
      expect(e.status).toBe(API_ERROR_CODES[e.code as keyof typeof API_ERROR_CODES]);
      expect(e.meaning.length, e.code).toBeGreaterThan(10);
    }
  });
});

const components = {
  Asset: {
    type: "object",
    properties: {
      id: { type: "string", format: "uuid" },
      parent: {
        anyOf: [{ $ref: "#/components/schemas/Asset" }, { type: "null" }],
        description: "What it was made from.",
      },
      title: { type: ["string", "null"], maxLength: 200 },
    },
    required: ["id", "parent"],
  },
};

const doc: OpenApiDocument = {
  openapi: "3.1.0",
  info: { title: "T", version: "1" },
  paths: {
    "/api/v1/assets": {
      post: {
        tags: ["Assets"],
        summary: "Upload",
        description: "Takes a file.\n\nScope: `assets:write`.",
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                properties: { file: { type: "string", format: "binary" }, note: { type: "string" } },
                required: ["file"],
              },
            },
          },
        },
        responses: {
          202: {
            description: "Queued",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Asset" } } },
          },
        },
      },
      get: {
        tags: ["Assets"],
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
          {
            name: "status",
            in: "query",
            required: true,
            schema: { type: "string", enum: ["approved", "rejected"] },
            description: "Filter.",
          },
        ],
        responses: {
          200: {
            description: "A page",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { data: { type: "array", items: { $ref: "#/components/schemas/Asset" } } },
                },
              },
            },
          },
        },
      },
    },
    "/api/v1/generations": {
      post: {
        tags: ["Generations"],
        requestBody: {
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  rows: {
                    type: "array",
                    items: { type: "object", properties: { prompt: { type: "string" } } },
                    minItems: 1,
                  },
                },
              },
            },
          },
        },
        responses: { 202: { description: "Queued" } },
      },
    },
  },
  components: { schemas: components },
};

describe("schemas and operations in general", () => {
  const ref = buildReference(doc, { invalid_input: 400 });

  it("orders methods GET first, groups tags alphabetically, and reads the scope out of the description", () => {
    expect(ref.groups.map((g) => g.tag)).toEqual(["Assets", "Generations"]);
    const [list, upload] = ref.groups[0]!.operations;
    expect([list!.method, upload!.method]).toEqual(["GET", "POST"]);
    expect(upload).toMatchObject({ scope: "assets:write", description: "Takes a file.", summary: "Upload" });
    expect(list!.summary).toBe("GET /api/v1/assets");
  });

  it("shows query parameters with their type, bounds, allowed values and default", () => {
    const list = ref.groups[0]!.operations[0]!;
    expect(list.parameters).toEqual([
      {
        name: "limit",
        in: "query",
        required: false,
        type: "integer",
        description: null,
        constraints: ["≥ 1", "≤ 100", "default 20"],
      },
      {
        name: "status",
        in: "query",
        required: true,
        type: "string",
        description: "Filter.",
        constraints: ['one of "approved", "rejected"'],
      },
    ]);
  });

  it("follows $refs, names them, folds null into the type, and stops on a schema that contains itself", () => {
    const rows = schemaRows({ $ref: "#/components/schemas/Asset" }, components);
    expect(rows.map((r) => [r.name, r.type, r.required])).toEqual([
      ["id", "string", true],
      ["parent", "Asset | null", true],
      ["title", "string | null", false],
    ]);
    expect(rows[2]!.constraints).toEqual(["at most 200 characters"]);
    expect(rows[1]!.description).toBe("What it was made from.");
    let depth = 0;
    for (let r = rows[1]; r; r = r.children.find((c) => c.name === "parent")) depth += 1;
    expect(depth).toBeLessThan(10);
    expect(typeLabel({ type: "array", items: { $ref: "#/components/schemas/Asset" } }, components)).toBe(
      "array of Asset",
    );
    const page = ref.groups[0]!.operations[0]!.responses[0]!.body!;
    expect(page.rows[0]).toMatchObject({ name: "data", type: "array of Asset" });
    expect(page.rows[0]!.children.map((c) => c.name)).toEqual(["id", "parent", "title"]);
  });

  it("documents a multipart upload as form fields in curl, and a JSON body with an example", () => {
    const upload = ref.groups[0]!.operations[1]!;
    expect(upload.requestBody).toMatchObject({ contentType: "multipart/form-data", required: true, example: null });
    expect(upload.curl).toContain('-F "file=@file"');
    expect(upload.curl).toContain('-H "Idempotency-Key: $(uuidgen)"');
    const gen = ref.groups[1]!.operations[0]!;
    expect(gen.requestBody!.rows[0]).toMatchObject({ name: "rows", constraints: ["at least 1 items"] });
    expect(JSON.parse(gen.requestBody!.example!)).toEqual({ rows: [{ prompt: "string" }] });
    expect(gen.curl).toContain(`-d '{"rows":[{"prompt":"string"}]}'`);
  });

  it("makes examples from enums, formats and bounds", () => {
    expect(exampleValue({ type: "integer", minimum: 5 }, {})).toBe(5);
    expect(exampleValue({ type: "string", format: "date-time" }, {})).toMatch(/Z$/);
    expect(exampleValue({ anyOf: [{ type: "null" }, { type: "boolean" }] }, {})).toBe(false);
    expect(anchorFor("get", "/api/v1/assets/{id}/versions")).toBe("get-api-v1-assets-id-versions");
  });
});
