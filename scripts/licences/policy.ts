/**
 * Which third-party licences Kiln (AGPL-3.0-only) may ship with, and the packages whose licence
 * field a person had to read and record by hand. Pure functions: the CLI (scripts/licences.ts)
 * feeds them the installed production tree.
 */

/**
 * SPDX identifiers whose terms allow combining the code into an AGPL-3.0 work: permissive licences,
 * weak copyleft that allows linking (MPL-2.0 §3.3, LGPL), and the GPL-3.0 family (AGPL-3.0 §13).
 * Data licences (CC-BY-4.0: caniuse-lite's browser data) need attribution only, which this list gives.
 */
export const ALLOWED_LICENCES: ReadonlySet<string> = new Set([
  "0BSD",
  "AGPL-3.0",
  "AGPL-3.0-only",
  "AGPL-3.0-or-later",
  "Apache-2.0",
  "Artistic-2.0",
  "BlueOak-1.0.0",
  "BSD-2-Clause",
  "BSD-3-Clause",
  "CC-BY-3.0",
  "CC-BY-4.0",
  "CC0-1.0",
  "GPL-3.0",
  "GPL-3.0-only",
  "GPL-3.0-or-later",
  "ISC",
  // LGPL-2.1 §3 lets a recipient apply the GPL (v2 or any later) instead, so v3 terms fit.
  "LGPL-2.1",
  "LGPL-2.1-only",
  "LGPL-2.1-or-later",
  "LGPL-3.0",
  "LGPL-3.0-only",
  "LGPL-3.0-or-later",
  "MIT",
  "MIT-0",
  "MPL-2.0",
  "Python-2.0",
  "Unlicense",
  "WTFPL",
  "Zlib",
]);

export type LicenceOverride = { licence: string; reason: string };

/**
 * Packages whose licence field is not an SPDX expression, with what their licence file says.
 * Keyed by name@version: a new version must be read again.
 */
export const LICENCE_OVERRIDES: Readonly<Record<string, LicenceOverride>> = {
  // package.json: "SEE LICENSE IN LICENSE.md"; LICENSE.md is the text of the GNU AGPL v3 (19 November
  // 2007) with no "or later" grant, and the README: "free for use under the AGPL License".
  "@imgly/background-removal-node@1.4.5": { licence: "AGPL-3.0-only", reason: "LICENSE.md is the GNU AGPL v3 text" },
};

/** A node of a parsed SPDX expression. */
type Expr = { id: string } | { op: "AND" | "OR"; left: Expr; right: Expr };

/**
 * Parses an SPDX licence expression (ids, AND, OR, WITH exceptions, parentheses; AND binds tighter
 * than OR). Throws on anything else, e.g. "Custom: LICENSE.md" or "SEE LICENSE IN …".
 */
export function parseLicenceExpression(text: string): Expr {
  const tokens = text.replace(/[()]/g, " $& ").trim().split(/\s+/).filter(Boolean);
  let at = 0;
  const peek = () => tokens[at];
  const fail = (why: string): never => {
    throw new Error(`"${text}" is not an SPDX licence expression (${why}).`);
  };
  const primary = (): Expr => {
    const token = tokens[at++];
    if (token === undefined) return fail("it ends too early");
    if (token === "(") {
      const inner = or();
      if (tokens[at++] !== ")") fail("a parenthesis is not closed");
      return inner;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9.+-]*$/.test(token) || token === "AND" || token === "OR" || token === "WITH")
      return fail(`unexpected "${token}"`);
    // "GPL-2.0-with-exception" style WITH clauses narrow a licence; the base licence decides.
    if (peek() === "WITH") {
      at++;
      if (!tokens[at++]) fail("WITH lacks an exception");
    }
    return { id: token.replace(/\+$/, "-or-later") };
  };
  const and = (): Expr => {
    let left = primary();
    while (peek() === "AND") {
      at++;
      left = { op: "AND", left, right: primary() };
    }
    return left;
  };
  const or = (): Expr => {
    let left = and();
    while (peek() === "OR") {
      at++;
      left = { op: "OR", left, right: and() };
    }
    return left;
  };
  const expr = or();
  if (at !== tokens.length) fail(`unexpected "${tokens[at]}"`);
  return expr;
}

/** Whether an expression is satisfiable with allowed licences: OR needs one side, AND both. */
export function isAllowed(expr: Expr, allowed: ReadonlySet<string> = ALLOWED_LICENCES): boolean {
  if ("id" in expr) return allowed.has(expr.id);
  return expr.op === "OR"
    ? isAllowed(expr.left, allowed) || isAllowed(expr.right, allowed)
    : isAllowed(expr.left, allowed) && isAllowed(expr.right, allowed);
}

export type PackageLicence = { name: string; version: string; licence: string; repository: string };
export type Verdict = PackageLicence & { effective: string; note: string; ok: boolean; problem?: string };

/**
 * The verdict on one package: its licence field (or the recorded override), parsed and checked.
 * license-checker marks licences it guessed from a file with "*": those need a person too.
 */
export function judgePackage(
  pkg: PackageLicence,
  overrides: Readonly<Record<string, LicenceOverride>> = LICENCE_OVERRIDES,
): Verdict {
  const key = `${pkg.name}@${pkg.version}`;
  const override = overrides[key];
  const effective = override?.licence ?? pkg.licence;
  const note = override ? `override: ${override.reason}` : "";
  if (!override && /\*$/.test(pkg.licence))
    return {
      ...pkg,
      effective,
      note,
      ok: false,
      problem: `${key}: licence "${pkg.licence}" was guessed from its files; read them and add an override in scripts/licences/policy.ts.`,
    };
  let expr: Expr;
  try {
    expr = parseLicenceExpression(effective);
  } catch {
    return {
      ...pkg,
      effective,
      note,
      ok: false,
      problem: `${key}: licence "${effective}" is not an SPDX expression; read its licence file and add an override in scripts/licences/policy.ts.`,
    };
  }
  if (!isAllowed(expr))
    return {
      ...pkg,
      effective,
      note,
      ok: false,
      problem: `${key}: licence "${effective}" is not compatible with Kiln's AGPL-3.0 (not in the allow-list of scripts/licences/policy.ts).`,
    };
  return { ...pkg, effective, note, ok: true };
}

/** Overrides that no installed package uses any more (a version moved on): stale entries mislead. */
export function unusedOverrides(
  packages: PackageLicence[],
  overrides: Readonly<Record<string, LicenceOverride>> = LICENCE_OVERRIDES,
): string[] {
  const installed = new Set(packages.map((p) => `${p.name}@${p.version}`));
  return Object.keys(overrides).filter((key) => !installed.has(key));
}
