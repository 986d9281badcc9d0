import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { CSV_BOM, csvLines, neutraliseCell, toCsv } from "./safe-csv";

function parse(csv: string): string[][] {
  const result = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ""), { newline: "\r\n", skipEmptyLines: true });
  expect(result.errors).toEqual([]);
  return result.data;
}

describe("neutraliseCell", () => {
  it.each(["=1+2", "+1", "-1+2", "@SUM(A1:A2)", "\t=1", "\r=1", '=HYPERLINK("https://evil.example","click")'])(
    "escapes %j with a leading quote",
    (value) => {
      expect(neutraliseCell(value)).toBe(`'${value}`);
    },
  );

  it("leaves ordinary text, numbers and booleans alone", () => {
    expect(neutraliseCell("hello = world")).toBe("hello = world");
    expect(neutraliseCell("a@b.example")).toBe("a@b.example");
    expect(neutraliseCell(" =1")).toBe(" =1");
    expect(neutraliseCell(-1)).toBe(-1);
    expect(neutraliseCell(42.5)).toBe(42.5);
    expect(neutraliseCell(0)).toBe(0);
    expect(neutraliseCell(true)).toBe(true);
  });

  it("writes dates as ISO strings and empties as empty cells", () => {
    expect(neutraliseCell(new Date("2025-03-04T05:06:07.089Z"))).toBe("2025-03-04T05:06:07.089Z");
    expect(neutraliseCell(new Date("not a date"))).toBe("");
    expect(neutraliseCell(null)).toBe("");
    expect(neutraliseCell(undefined)).toBe("");
    expect(neutraliseCell("")).toBe("");
  });
});

describe("toCsv", () => {
  it("quotes commas, quotes and newlines and ends every line with CRLF", () => {
    const csv = toCsv(["a", "b", "c"], [["x, y", 'say "hi"', "two\nlines"]]);
    expect(csv).toBe('"a","b","c"\r\n"x, y","say ""hi""","two\nlines"\r\n');
    expect(parse(csv)).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "two\nlines"],
    ]);
  });

  it("quotes text so a semicolon cannot split a cell either", () => {
    expect(toCsv(["a"], [["x;=1+2"]])).toBe('"a"\r\n"x;=1+2"\r\n');
  });

  it("escapes each dangerous prefix, in rows and in the header", () => {
    const csv = toCsv(["=h", "+h", "-h", "@h", "\th", "\rh"], [["=1", "+1", "-1+2", "@x", "\tx", "\rx"]]);
    expect(parse(csv)).toEqual([
      ["'=h", "'+h", "'-h", "'@h", "'\th", "'\rh"],
      ["'=1", "'+1", "'-1+2", "'@x", "'\tx", "'\rx"],
    ]);
  });

  it("writes numbers and booleans unquoted and unescaped", () => {
    const csv = toCsv(["n", "neg", "t", "empty", "when"], [[7, -3.5, false, null, new Date(Date.UTC(2025, 0, 2))]]);
    expect(csv).toBe('"n","neg","t","empty","when"\r\n7,-3.5,false,"","2025-01-02T00:00:00.000Z"\r\n');
    const typed = Papa.parse<unknown[]>(csv, { newline: "\r\n", skipEmptyLines: true, dynamicTyping: true });
    expect(typed.data[1]!.slice(0, 3)).toEqual([7, -3.5, false]);
  });

  it("adds a UTF-8 byte order mark only when asked", () => {
    expect(toCsv(["a"], [["é"]], { bom: true }).startsWith(CSV_BOM)).toBe(true);
    expect(toCsv(["a"], [["é"]]).startsWith(CSV_BOM)).toBe(false);
    expect(new TextEncoder().encode(toCsv(["a"], [], { bom: true })).slice(0, 3)).toEqual(
      new Uint8Array([0xef, 0xbb, 0xbf]),
    );
  });

  it("parses back to the same, neutralised, values", () => {
    const rows = [
      ["plain", "=cmd|' /C calc'!A0", 'quote " inside', "multi\r\nline, with comma", "-", "@"],
      ["", "ünïcødé ✓", "+44 20 7946 0000", "a@b.example", "'already quoted", " leading space"],
    ];
    const header = ["c1", "c2", "c3", "c4", "c5", "c6"];
    const parsed = parse(toCsv(header, rows, { bom: true }));
    expect(parsed).toEqual([header, ...rows].map((row) => row.map((cell) => String(neutraliseCell(cell)))));
    expect(parsed[1]![1]).toBe("'=cmd|' /C calc'!A0");
  });

  it("refuses rows whose width does not match the header", () => {
    expect(() => toCsv(["a", "b"], [["only one"]])).toThrow(/row 1 has 1 cells/);
  });
});

describe("csvLines", () => {
  it("makes pieces that concatenate into one file", () => {
    const file = toCsv(["a", "b"], [], { bom: true }) + csvLines([["1", 1]]) + csvLines([]) + csvLines([["=2", 2]]);
    expect(parse(file)).toEqual([
      ["a", "b"],
      ["1", "1"],
      ["'=2", "2"],
    ]);
  });
});
