/**
 * The third-party licence list and its check (issue 7, item 4).
 *   npm run licences:generate   writes docs/third-party-licenses.csv from the installed production tree
 *   npm run licences:check      fails (exit 1, naming the package) when a production dependency's
 *                               licence is not AGPL-3.0-compatible, or when the committed list is out
 *                               of date with the installed tree (a new dependency must be reviewed)
 * The policy (allow-list, overrides) is in scripts/licences/policy.ts.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { init, type InitOpts, type ModuleInfos } from "license-checker-rseidelsohn";
import { LICENCE_LIST, listDrift, packagesFromChecker, parseList, renderList } from "./licences/inventory";
import { judgePackage, unusedOverrides } from "./licences/policy";

async function installed() {
  const run = promisify(init) as (opts: InitOpts) => Promise<ModuleInfos>;
  const json = await run({ start: process.cwd(), production: true, excludePrivatePackages: true });
  const packages = packagesFromChecker(json);
  return { packages, verdicts: packages.map((p) => ({ ...judgePackage(p), platformSpecific: p.platformSpecific })) };
}

async function main(mode: string | undefined) {
  if (mode !== "generate" && mode !== "check") throw new Error("Usage: tsx scripts/licences.ts generate|check");
  const { packages, verdicts } = await installed();
  const problems = verdicts.filter((v) => !v.ok).map((v) => v.problem);
  problems.push(
    ...unusedOverrides(packages).map(
      (key) => `override for ${key} matches no installed package; remove or update it in scripts/licences/policy.ts.`,
    ),
  );
  const file = path.join(process.cwd(), LICENCE_LIST);
  if (mode === "generate") {
    await writeFile(file, renderList(verdicts));
    console.log(`Wrote ${LICENCE_LIST}: ${verdicts.length} production packages.`);
  } else {
    const listed = await readFile(file, "utf8").then(parseList, () => []);
    const drift = listDrift(listed, verdicts);
    if (drift.length)
      problems.push(
        ...drift.map(
          (d) => `${d}. Review the dependency, then run npm run licences:generate and commit ${LICENCE_LIST}.`,
        ),
      );
  }
  if (problems.length) {
    for (const p of problems) console.error(`✗ ${p}`);
    process.exit(1);
  }
  console.log(
    `Licences: ${verdicts.length} production packages, all compatible with AGPL-3.0${mode === "check" ? `; ${LICENCE_LIST} is up to date` : ""}.`,
  );
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
