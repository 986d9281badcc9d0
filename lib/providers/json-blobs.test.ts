import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { renderPng } from "@/simulator/render";
import { Base64Blob, parseJsonWithBlobs } from "./json-blobs";

/** What the parse gives with every blob decoded back to its base64 text: must equal JSON.parse. */
function asStrings(value: unknown): unknown {
  if (value instanceof Base64Blob) return value.decode().toString("base64");
  if (Array.isArray(value)) return value.map(asStrings);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asStrings(v)]));
  return value;
}

const b64 = (bytes: number) => randomBytes(bytes).toString("base64");

describe("parseJsonWithBlobs", () => {
  it("finds an A1111 answer's image in the bytes and decodes it exactly", async () => {
    const png = await renderPng({ prompt: "a ceramic mug on a table", seed: 7, width: 512, height: 512 });
    const info = JSON.stringify({ seed: 7, all_seeds: [7], prompt: 'a "ceramic" mug\non a table', nsfw: [false] });
    const body = Buffer.from(
      JSON.stringify({ images: [png.toString("base64")], parameters: { prompt: "a mug", seed: 7 }, info }),
    );
    const data = parseJsonWithBlobs(body) as { images: unknown[]; parameters: unknown; info: unknown };
    expect(data.images[0]).toBeInstanceOf(Base64Blob);
    expect((data.images[0] as Base64Blob).decode().equals(png)).toBe(true);
    expect(data.info).toBe(info);
    expect(data.parameters).toEqual({ prompt: "a mug", seed: 7 });
  });

  it("gives what JSON.parse gives for every other value: escapes, unicode, nesting, whitespace, keys", () => {
    const long = b64(30_000);
    const docs: unknown[] = [
      { a: 1, b: [true, false, null], c: { d: "é 漢字 \u2028 emoji 🎨", e: -1.5e-3 } },
      { images: [long, long.slice(0, 100)], nested: { deep: [{ image: long }] } },
      // Long strings that are not plain base64 stay strings: escapes, a data: URL, prose.
      { escaped: `${long}\\/${long}`, quoted: `say "${long}"`, url: `data:image/png;base64,${long}` },
      { prose: "lorem ipsum ".repeat(3000), slashes: "\\\\".repeat(20_000) },
      // A long key is a key, not a blob.
      { [long]: "value" },
      [long, "x", long],
      long,
    ];
    for (const doc of docs) {
      for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2)]) {
        expect(asStrings(parseJsonWithBlobs(Buffer.from(text)))).toEqual(JSON.parse(text));
      }
    }
  });

  it("turns exactly the long plain-base64 values into blobs", () => {
    const long = b64(30_000);
    const data = parseJsonWithBlobs(
      Buffer.from(JSON.stringify({ image: long, url: `data:image/png;base64,${long}`, short: b64(100), [long]: 1 })),
    ) as Record<string, unknown>;
    expect(data.image).toBeInstanceOf(Base64Blob);
    expect(typeof data.url).toBe("string");
    expect(typeof data.short).toBe("string");
    expect(data[long]).toBe(1);
  });

  it("is not fooled by a string that looks like its own placeholder", () => {
    const long = b64(30_000);
    const text = JSON.stringify({ image: long, note: "\u0000abcdef:0", other: "\u0000" });
    expect(asStrings(parseJsonWithBlobs(Buffer.from(text)))).toEqual(JSON.parse(text));
  });

  it("answers undefined for a body that is not JSON, whole or cut off", () => {
    const text = JSON.stringify({ images: [b64(30_000)], info: "{}" });
    expect(parseJsonWithBlobs(Buffer.from(text.slice(0, text.length - 20)))).toBeUndefined();
    expect(parseJsonWithBlobs(Buffer.from(text.slice(0, 5000)))).toBeUndefined();
    expect(parseJsonWithBlobs(Buffer.from("<html>Internal Server Error</html>"))).toBeUndefined();
    expect(parseJsonWithBlobs(Buffer.alloc(0))).toBeUndefined();
  });
});
