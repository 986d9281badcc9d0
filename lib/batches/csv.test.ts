import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { CSV_LIMITS, detectDelimiter, parseCsv } from "./csv";

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

const lines = (csv: ReturnType<typeof parseCsv>) => csv.rows.map((r) => r.line);

describe("parseCsv", () => {
  it("parses a simple file with trimmed headers and untouched values", () => {
    const csv = parseCsv(" name , colour \nmug, red \nbowl,blue\n");
    expect(csv).toEqual({
      headers: ["name", "colour"],
      delimiter: ",",
      encoding: "utf-8",
      rows: [
        { line: 2, values: { name: "mug", colour: " red " } },
        { line: 3, values: { name: "bowl", colour: "blue" } },
      ],
    });
  });

  it.each([
    [",", "a,b\n1,2"],
    [";", "a;b\n1,5;2,5"],
    ["\t", "a\tb\nx, y\tz"],
    ["|", "a|b\n1|2"],
  ])("detects the %j delimiter", (delimiter, text) => {
    const csv = parseCsv(text);
    expect(csv.delimiter).toBe(delimiter);
    expect(csv.headers).toEqual(["a", "b"]);
    expect(Object.values(csv.rows[0]!.values)).toHaveLength(2);
  });

  it("prefers the delimiter the rows agree with, and handles single-column files", () => {
    expect(detectDelimiter("a,b;c,d\n1,2;3,4\n5,6;7,8")).toBe(",");
    expect(detectDelimiter("a;b\n\n\n1;2\n")).toBe(";");
    expect(parseCsv("name\nmug\nbowl")).toMatchObject({
      headers: ["name"],
      rows: [{ line: 2, values: { name: "mug" } }, { line: 3 }],
    });
  });

  it("strips a UTF-8 BOM from a Buffer and from a string", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("name,size\nmug,1\n")]);
    expect(parseCsv(bytes).headers).toEqual(["name", "size"]);
    expect(parseCsv("\uFEFFname,size\nmug,1").headers).toEqual(["name", "size"]);
  });

  it("falls back to Windows-1252 for non-UTF-8 bytes", () => {
    const csv = parseCsv(Buffer.from([...Buffer.from("name\nCr"), 0xe8, ...Buffer.from("me\n")]));
    expect(csv.encoding).toBe("windows-1252");
    expect(csv.rows[0]!.values.name).toBe("Crème");
  });

  it("handles CRLF, lone CR and LF line endings", () => {
    expect(lines(parseCsv("a,b\r\n1,2\r\n3,4\r\n"))).toEqual([2, 3]);
    expect(lines(parseCsv("a,b\r1,2\r3,4"))).toEqual([2, 3]);
    expect(parseCsv("a,b\r\n1,2\r\n").rows[0]!.values).toEqual({ a: "1", b: "2" });
  });

  it("keeps quoted delimiters, escaped quotes and embedded newlines, with the right line numbers", () => {
    const text =
      'id,desc,notes\r\n1,"a, b",x\r\n2,"line one\r\nline two\r\nline three","say ""hi"""\r\n\r\n3,plain,"multi\nline"\n4,last,y';
    const csv = parseCsv(text);
    expect(csv.rows.map((r) => [r.line, r.values.id])).toEqual([
      [2, "1"],
      [3, "2"],
      [7, "3"],
      [9, "4"],
    ]);
    expect(csv.rows[0]!.values.desc).toBe("a, b");
    expect(csv.rows[1]!.values).toEqual({ id: "2", desc: "line one\nline two\nline three", notes: 'say "hi"' });
    expect(csv.rows[2]!.values.notes).toBe("multi\nline");
  });

  it("skips blank lines and rows of empty cells without shifting line numbers", () => {
    expect(lines(parseCsv("\n\na,b\n\n1,2\n,\n  \n3,4\n\n"))).toEqual([5, 8]);
  });

  it("pads short rows and flags rows with extra non-empty fields", () => {
    const csv = parseCsv("a,b,c\n1\n1,2,3,,\n1,2,3,4");
    expect(csv.rows[0]).toEqual({ line: 2, values: { a: "1", b: "", c: "" } });
    expect(csv.rows[1]!.errors).toBeUndefined();
    expect(csv.rows[2]!.errors![0]).toMatch(/has 4 fields but the header has 3 columns/);
  });

  it("drops trailing empty headers but rejects empty and duplicate headers", () => {
    expect(parseCsv("a,b,,\n1,2,,").headers).toEqual(["a", "b"]);
    expect(errorOf(() => parseCsv("a,,b\n1,2,3")).message).toBe(
      "Line 1: column 2 has an empty header. Give every column a name.",
    );
    const dup = errorOf(() => parseCsv("\nName,colour, name\n1,2,3"));
    expect(dup.code).toBe("invalid_input");
    expect(dup.message).toBe('Line 2: the header "name" appears twice (columns 1 and 3). Column names must be unique.');
  });

  it("rejects empty files and unterminated quotes with a line number", () => {
    expect(errorOf(() => parseCsv(" \n\r\n")).message).toMatch(/The file is empty/);
    expect(errorOf(() => parseCsv(Buffer.alloc(0))).code).toBe("invalid_input");
    expect(errorOf(() => parseCsv('a,b\n1,2\n3,"oops\n4,5\n')).message).toMatch(
      /^Line 3: a quoted field is never closed/,
    );
  });

  it("flags a stray quote inside a quoted field as a row error", () => {
    const csv = parseCsv('a,b\n1,"x"y"\n2,3');
    expect(csv.rows[0]!.errors?.[0]).toMatch(/Malformed quotes/);
  });

  it("enforces the byte cap before parsing", () => {
    const error = errorOf(() => parseCsv("a\n" + "x\n".repeat(600), { maxBytes: 1000 }));
    expect(error.code).toBe("payload_too_large");
    expect(error.message).toMatch(/A batch CSV may be at most/);
    expect(CSV_LIMITS).toEqual({ maxBytes: 5 * 1024 * 1024, maxRows: 10_000 });
    const big = Buffer.alloc(CSV_LIMITS.maxBytes + 1, 0x61);
    expect(errorOf(() => parseCsv(big)).message).toMatch(
      /^The file is 5 MB\. A batch CSV may be at most 5 MB and 10,000 rows/,
    );
  });

  it("enforces the row cap, counting data rows only", () => {
    const rows = (n: number) => "sku,name\n" + Array.from({ length: n }, (_, i) => `${i},item ${i}\n\n`).join("");
    expect(parseCsv(rows(10_000)).rows).toHaveLength(10_000);
    expect(parseCsv(rows(10_000)).rows.at(-1)!.line).toBe(1 + 2 * 10_000 - 1);
    const error = errorOf(() => parseCsv(rows(10_001)));
    expect(error.code).toBe("payload_too_large");
    expect(error.message).toMatch(/more than 10,000 rows/);
    expect(errorOf(() => parseCsv(rows(3), { maxRows: 2 })).code).toBe("payload_too_large");
  });
});
