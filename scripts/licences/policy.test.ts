import { describe, expect, it } from "vitest";
import { listDrift, packagesFromChecker, parseList, renderList } from "./inventory";
import { isAllowed, judgePackage, LICENCE_OVERRIDES, parseLicenceExpression, unusedOverrides } from "./policy";

const pkg = (licence: string, name = "some-package", version = "1.0.0") => ({
  name,
  version,
  licence,
  repository: "https://example.org/repo",
});

describe("licence expressions", () => {
  it("allows permissive, weak-copyleft and GPL-3.0-family licences", () => {
    for (const licence of [
      "MIT",
      "ISC",
      "Apache-2.0",
      "BSD-3-Clause",
      "0BSD",
      "BlueOak-1.0.0",
      "MPL-2.0",
      "LGPL-3.0-or-later",
      "AGPL-3.0-only",
      "CC-BY-4.0",
      "Python-2.0",
    ])
      expect(judgePackage(pkg(licence)).ok, licence).toBe(true);
  });

  it("refuses licences incompatible with AGPL-3.0, naming the package", () => {
    for (const licence of ["GPL-2.0-only", "SSPL-1.0", "BUSL-1.1", "CC-BY-NC-4.0", "UNLICENSED"]) {
      const verdict = judgePackage(pkg(licence, "bad-package", "2.3.4"));
      expect(verdict.ok, licence).toBe(false);
      expect(verdict.problem).toContain("bad-package@2.3.4");
      expect(verdict.problem).toContain("not compatible");
    }
  });

  it("needs one side of an OR and both sides of an AND, with parentheses and precedence", () => {
    expect(judgePackage(pkg("(MIT OR GPL-2.0-only)")).ok).toBe(true);
    expect(judgePackage(pkg("GPL-2.0-only OR Apache-2.0")).ok).toBe(true);
    expect(judgePackage(pkg("MIT AND ISC AND BSD-3-Clause")).ok).toBe(true);
    expect(judgePackage(pkg("(Apache-2.0 AND GPL-2.0-only)")).ok).toBe(false);
    // AND binds tighter: MIT OR (SSPL AND BSD) is satisfiable by MIT alone…
    expect(isAllowed(parseLicenceExpression("MIT OR SSPL-1.0 AND BSD-3-Clause"))).toBe(true);
    // …while (MIT OR SSPL) AND BUSL is not.
    expect(isAllowed(parseLicenceExpression("(MIT OR SSPL-1.0) AND BUSL-1.1"))).toBe(false);
    expect(isAllowed(parseLicenceExpression("Apache-2.0 WITH LLVM-exception"))).toBe(true);
    expect(isAllowed(parseLicenceExpression("GPL-3.0+"))).toBe(true);
  });

  it("sends non-SPDX and guessed licence fields to a person", () => {
    expect(() => parseLicenceExpression("SEE LICENSE IN LICENSE.md")).toThrow(/not an SPDX/);
    expect(() => parseLicenceExpression("(MIT")).toThrow(/not an SPDX/);
    expect(judgePackage(pkg("Custom: LICENSE.md")).problem).toMatch(/add an override/);
    expect(judgePackage(pkg("MIT*")).problem).toMatch(/guessed/);
  });
});

describe("overrides", () => {
  it("records IMG.LY's background removal as AGPL-3.0-only (its LICENSE.md)", () => {
    const verdict = judgePackage(pkg("Custom: LICENSE.md", "@imgly/background-removal-node", "1.4.5"));
    expect(verdict).toMatchObject({ ok: true, effective: "AGPL-3.0-only", licence: "Custom: LICENSE.md" });
    expect(verdict.note).toMatch(/override/);
  });

  it("apply to one version only, are themselves checked, and go stale when the version moves", () => {
    expect(judgePackage(pkg("Custom: LICENSE.md", "@imgly/background-removal-node", "1.5.0")).ok).toBe(false);
    const bad = { "x@1.0.0": { licence: "SSPL-1.0", reason: "read it" } };
    expect(judgePackage(pkg("Custom: LICENSE", "x"), bad).ok).toBe(false);
    expect(unusedOverrides([pkg("MIT", "@imgly/background-removal-node", "1.5.0")])).toEqual(
      Object.keys(LICENCE_OVERRIDES),
    );
    expect(unusedOverrides([pkg("MIT", "@imgly/background-removal-node", "1.4.5")])).toEqual([]);
  });
});

describe("the committed list", () => {
  const installed = packagesFromChecker({
    "zod@4.6.7": { licenses: "MIT", repository: "https://github.com/colinhacks/zod" },
    "@scope/both@1.0.0": { licenses: ["MIT", "Apache-2.0"] },
  }).map((p) => ({ ...judgePackage(p), platformSpecific: p.platformSpecific }));

  it("round-trips through CSV, sorted, with array licences as OR", () => {
    const csv = renderList(installed);
    expect(csv.split("\n")[0]).toBe("name,version,licence,declared,repository,note");
    expect(parseList(csv)).toEqual([
      { name: "@scope/both", version: "1.0.0", licence: "MIT OR Apache-2.0" },
      { name: "zod", version: "4.6.7", licence: "MIT" },
    ]);
    expect(listDrift(parseList(csv), installed)).toEqual([]);
  });

  it("is out of date when a package is added, removed, or changes version or licence", () => {
    const listed = parseList(renderList(installed));
    expect(listDrift(listed.slice(1), installed)).toEqual([
      "@scope/both@1.0.0 (MIT OR Apache-2.0) is installed but not in docs/third-party-licenses.csv",
    ]);
    expect(listDrift([...listed, { name: "gone", version: "1.0.0", licence: "MIT" }], installed)).toEqual([
      "gone@1.0.0 is listed in docs/third-party-licenses.csv but no longer installed",
    ]);
    expect(listDrift([listed[0]!, { ...listed[1]!, licence: "ISC" }], installed)).toEqual([
      "zod@4.6.7 is listed as ISC but its licence is now MIT",
    ]);
  });

  it("does not count another platform's binary packages as removed", () => {
    const listed = [
      ...parseList(renderList(installed)),
      { name: "@img/sharp-darwin-arm64", version: "0.35.5", licence: "Apache-2.0" },
    ];
    expect(listDrift(listed, installed)).toEqual([]);
  });
});
