import { describe, expect, it } from "vitest";
import {
  addQueryToken,
  hasQueryToken,
  LIBRARY_QUERY_FIELDS,
  LIBRARY_QUERY_TEXT_HELP,
  parseLibraryQuery,
  parseLibraryQueryOrThrow,
  phraseToken,
  queryToken,
  removeQueryToken,
  type QueryTerm,
} from "./query-grammar";

const NOW = new Date("2026-03-15T10:00:00Z");
const terms = (q: string): QueryTerm[] => {
  const r = parseLibraryQuery(q, { now: NOW });
  if (!r.ok) throw new Error(`unexpected problem: ${r.error.message}`);
  return r.query.terms;
};
const problem = (q: string) => {
  const r = parseLibraryQuery(q, { now: NOW });
  if (r.ok) throw new Error(`expected a problem for ${q}`);
  return r.error;
};
const utc = (s: string) => new Date(s);

describe("parseLibraryQuery", () => {
  it("parses the issue's example into typed terms", () => {
    const t = terms(
      'lora:style_lora_v2 created:2026-01 status:approved rejected:blur campaign:"Spring 26" tag:hero sku KLN-0042 -draft',
    );
    expect(
      t.map((x) =>
        x.kind === "field"
          ? `${x.negated ? "-" : ""}${x.field}`
          : x.kind === "text"
            ? `${x.negated ? "-" : ""}"${x.text}"`
            : x.pattern,
      ),
    ).toEqual(["lora", "created", "status", "rejected", "campaign", "tag", '"sku"', '"KLN-0042"', '-"draft"']);
    expect(t[0]).toMatchObject({ kind: "field", field: "lora", values: ["style_lora_v2"], position: 0 });
    expect(t[1]).toMatchObject({
      field: "created",
      values: [{ from: utc("2026-01-01T00:00:00Z"), to: utc("2026-02-01T00:00:00Z") }],
    });
    expect(t[4]).toMatchObject({ field: "campaign", values: ["Spring 26"], position: 65 });
    expect(t[8]).toMatchObject({ kind: "text", text: "draft", negated: true, phrase: false });
  });

  it("reads phrases, prefixes, negated fields and alternatives", () => {
    expect(terms('"trail running shoe"')[0]).toMatchObject({ kind: "text", text: "trail running shoe", phrase: true });
    expect(terms('-"wet granite"')[0]).toMatchObject({ kind: "text", negated: true, phrase: true });
    expect(terms("shoe*")[0]).toMatchObject({ kind: "text", text: "shoe", prefix: true });
    expect(terms("-status:rejected")[0]).toMatchObject({ field: "status", negated: true, values: ["rejected"] });
    expect(terms("status:approved,in-review,review")[0]).toMatchObject({
      values: ["approved", "in_review", "in_review"],
    });
    expect(terms('campaign:"A, B"')[0]).toMatchObject({ values: ["A, B"] });
    expect(terms('batch:"say \\"hi\\""')[0]).toMatchObject({ values: ['say "hi"'] });
    expect(terms("STATUS:Approved")[0]).toMatchObject({ field: "status", values: ["approved"] });
    // A colon after something that is not a field name is text (times, ratios in prose).
    expect(terms("10:30")[0]).toMatchObject({ kind: "text", text: "10:30" });
  });

  it("reads a * that does not just end a word as a fragment of the identity text", () => {
    expect(terms("KLN-004*")[0]).toMatchObject({ kind: "fragment", pattern: "KLN-004*", negated: false });
    expect(terms("*0042")[0]).toMatchObject({ kind: "fragment", pattern: "*0042" });
    expect(terms("-*trail**shoe*")[0]).toMatchObject({ kind: "fragment", pattern: "*trail*shoe*", negated: true });
    // A word ending in * stays a full-text prefix; a quoted * is literal phrase text.
    expect(terms("shoe*")[0]).toMatchObject({ kind: "text", prefix: true });
    expect(terms('"KLN-004*"')[0]).toMatchObject({ kind: "text", phrase: true });
    expect(hasQueryToken("status:approved *0042", "*0042")).toBe(true);
    expect(removeQueryToken("status:approved *0042", "*0042")).toBe("status:approved");
  });

  it("refuses a fragment too short for the trigram index, saying where", () => {
    expect(problem("status:approved *42")).toMatchObject({
      position: 16,
      length: 3,
      message: expect.stringContaining("at least 3 characters in a row"),
    });
    expect(problem("ab*cd*")).toMatchObject({ position: 0, message: expect.stringContaining("at least 3 characters") });
    expect(problem("*")).toMatchObject({ message: expect.stringContaining("at least 3 characters") });
    expect(problem("-*4*")).toMatchObject({ position: 1, length: 3 });
  });

  it("types every value", () => {
    expect(terms("preset:hero-brand@2 template:product-shot")).toMatchObject([
      { values: [{ name: "hero-brand", version: 2 }] },
      { values: [{ name: "product-shot", version: null }] },
    ]);
    expect(terms("tier:hero source:upload check:failed is:starred")).toMatchObject([
      { values: ["hero"] },
      { values: ["uploaded"] },
      { values: ["fail"] },
      { values: ["starred"] },
    ]);
    expect(terms("tag:Spring Hero")[0]).toMatchObject({ values: ["spring"] });
    expect(terms('tag:"Spring Hero"')[0]).toMatchObject({ values: ["spring-hero"] });
    expect(terms("in:3F0C2A4E-1111-4222-8333-444455556666")[0]).toMatchObject({
      values: ["3f0c2a4e-1111-4222-8333-444455556666"],
    });
    expect(terms("cost:>0.05 cost:0.01..0.10 cost:$1.5 cost:<=.5")).toMatchObject([
      { values: [{ min: 50_000, minInclusive: false, max: null }] },
      { values: [{ min: 10_000, minInclusive: true, max: 100_000, maxInclusive: true }] },
      { values: [{ min: 1_500_000, max: 1_500_000 }] },
      { values: [{ min: null, max: 500_000, maxInclusive: true }] },
    ]);
    expect(terms("size:>=1024 size:1024x768 aspect:16:9 aspect:wide aspect:other size:<768")).toMatchObject([
      { values: [{ range: { min: 1024, minInclusive: true, max: null } }] },
      { values: [{ width: 1024, height: 768 }] },
      { values: [{ w: 16, h: 9 }] },
      { values: ["landscape"] },
      { values: ["other"] },
      { values: [{ range: { min: null, max: 767 + 1, maxInclusive: false } }] },
    ]);
  });

  it("reads dates as UTC periods, ranges, comparisons and relative spans", () => {
    const range = (q: string) => (terms(q)[0] as { values: { from: Date | null; to: Date | null }[] }).values[0];
    expect(range("created:2026")).toEqual({ from: utc("2026-01-01T00:00:00Z"), to: utc("2027-01-01T00:00:00Z") });
    expect(range("created:2026-02-28")).toEqual({ from: utc("2026-02-28T00:00:00Z"), to: utc("2026-03-01T00:00:00Z") });
    expect(range("created:2026-01..2026-03")).toEqual({
      from: utc("2026-01-01T00:00:00Z"),
      to: utc("2026-04-01T00:00:00Z"),
    });
    expect(range("created:2026-01-10..")).toEqual({ from: utc("2026-01-10T00:00:00Z"), to: null });
    expect(range("approved:>2026-01-05")).toEqual({ from: utc("2026-01-06T00:00:00Z"), to: null });
    expect(range("approved:>=2026-01-05")).toEqual({ from: utc("2026-01-05T00:00:00Z"), to: null });
    expect(range("created:<2026-02")).toEqual({ from: null, to: utc("2026-02-01T00:00:00Z") });
    expect(range("created:<=2026-02")).toEqual({ from: null, to: utc("2026-03-01T00:00:00Z") });
    expect(range("created:7d")).toEqual({ from: utc("2026-03-08T10:00:00Z"), to: null });
    expect(range("created:last:12h")).toEqual({ from: utc("2026-03-14T22:00:00Z"), to: null });
    expect(range("created:2w")).toEqual({ from: utc("2026-03-01T10:00:00Z"), to: null });
    expect(range("created:1m")).toEqual({ from: utc("2026-02-15T10:00:00Z"), to: null });
  });

  it("says what is wrong and where", () => {
    expect(problem("status:approved colour:red")).toMatchObject({
      position: 16,
      length: 7,
      message: expect.stringContaining("Unknown field “colour”"),
    });
    expect(problem("created:2026-13")).toMatchObject({ position: 8, message: "Month 13 does not exist." });
    expect(problem("created:2026-02-30")).toMatchObject({ position: 8, message: expect.stringContaining("not a day") });
    expect(problem("created:yesterday")).toMatchObject({
      position: 8,
      message: expect.stringContaining("is not a date"),
    });
    expect(problem("created:2026-03..2026-01")).toMatchObject({ message: "The range ends before it starts." });
    expect(problem("created:2026-01..2026-1x")).toMatchObject({ position: 17 });
    expect(problem("status:done")).toMatchObject({
      position: 7,
      length: 4,
      message: expect.stringContaining("expected one of checking, in_review"),
    });
    expect(problem("tier:hero,,draft")).toMatchObject({ message: expect.stringContaining("empty alternative") });
    expect(problem("status:")).toMatchObject({ position: 0, message: expect.stringContaining("needs a value") });
    expect(problem('campaign:"Spring')).toMatchObject({
      position: 9,
      message: expect.stringContaining("never closed"),
    });
    expect(problem('"a"b')).toMatchObject({ position: 3 });
    expect(problem("in:not-an-id")).toMatchObject({ position: 3, message: expect.stringContaining("id") });
    expect(problem("cost:cheap")).toMatchObject({
      position: 5,
      message: expect.stringContaining("not a number of dollars"),
    });
    expect(problem("cost:0.0000001")).toMatchObject({ message: expect.stringContaining("6 decimals") });
    expect(problem("size:big")).toMatchObject({ message: expect.stringContaining("pixels") });
    expect(problem("aspect:0:9")).toMatchObject({ message: expect.stringContaining("positive") });
    expect(problem('-""')).toMatchObject({ position: 0, message: "This phrase is empty." });
    expect(problem("x".repeat(1001))).toMatchObject({ message: expect.stringContaining("at most 1000") });
  });

  it("throws invalid_input (shown to the user) from the server form", () => {
    expect(() => parseLibraryQueryOrThrow("foo:bar")).toThrow(
      expect.objectContaining({ code: "invalid_input", message: expect.stringContaining("(at column 1)") }),
    );
    expect(parseLibraryQueryOrThrow("").terms).toEqual([]);
    expect(parseLibraryQueryOrThrow("   ").terms).toEqual([]);
  });
});

describe("the help table and tokens", () => {
  it("documents every field with an example that parses", () => {
    for (const row of LIBRARY_QUERY_FIELDS) {
      const example = row.example.replace("3f0c…", "3f0c2a4e-1111-4222-8333-444455556666");
      expect(parseLibraryQuery(example).ok, row.field).toBe(true);
      expect(terms(example)[0], row.field).toMatchObject({ kind: "field", field: row.field });
    }
  });

  it("documents free text with examples that parse into the kind they describe", () => {
    const kinds = LIBRARY_QUERY_TEXT_HELP.map((row) => terms(row.example).map((t) => t.kind));
    expect(kinds).toEqual([["text", "text"], ["text"], ["text"], ["fragment", "fragment"], ["text", "field"]]);
  });

  it("quotes values that need it, and the token parses back to the value", () => {
    expect(queryToken("campaign", "Spring 26")).toBe('campaign:"Spring 26"');
    expect(queryToken("tag", "hero")).toBe("tag:hero");
    expect(terms(queryToken("campaign", 'He said "go", twice'))[0]).toMatchObject({ values: ['He said "go", twice'] });
  });
});

describe("facet clicks", () => {
  it("adds a term once and removes it by meaning, leaving the rest as typed", () => {
    const q = 'trail  status:Approved campaign:"Spring 26"';
    expect(hasQueryToken(q, "status:approved")).toBe(true);
    expect(addQueryToken(q, "status:approved")).toBe(q);
    expect(addQueryToken(q, "tier:hero")).toBe('trail  status:Approved campaign:"Spring 26" tier:hero');
    expect(removeQueryToken(q, "status:approved")).toBe('trail campaign:"Spring 26"');
    expect(removeQueryToken(q, queryToken("campaign", "Spring 26"))).toBe("trail status:Approved");
    expect(removeQueryToken(q, "-status:approved")).toBe('trail status:Approved campaign:"Spring 26"');
    expect(addQueryToken("", "tag:hero")).toBe("tag:hero");
    expect(addQueryToken("colour:red", "tag:hero")).toBe("colour:red tag:hero");
    expect(removeQueryToken("colour:red tag:hero", "tag:hero")).toBe("colour:red tag:hero");
  });

  it("turns a carried column's value into one phrase term, quotes and all", () => {
    expect(phraseToken("KLN-0042")).toBe('"KLN-0042"');
    const token = phraseToken(' 12" "deluxe" vase ');
    expect(parseLibraryQuery(token)).toMatchObject({
      ok: true,
      query: { terms: [{ kind: "text", phrase: true, text: '12" "deluxe" vase' }] },
    });
    expect(hasQueryToken(`status:approved ${phraseToken("Table Lamp")}`, phraseToken("table lamp"))).toBe(true);
  });
});
