import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** The WCAG 2.1 A/AA rules and axe's best practices; only serious and critical findings fail a test. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];
const FAILING = new Set(["serious", "critical"]);

/**
 * Runs axe on the page as it is now and returns its serious and critical violations, one readable
 * line each: the impact, the rule, what it asks for, and the first few elements with what is wrong.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  // Only violations are read, so axe skips gathering every passing node (most of its time on a long page).
  const { violations } = await new AxeBuilder({ page })
    .withTags(TAGS)
    .options({ resultTypes: ["violations"] })
    .analyze();
  const path = new URL(page.url()).pathname;
  return violations
    .filter((v) => FAILING.has(v.impact ?? ""))
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 4)
        .map((n) => {
          const why = n.failureSummary?.split("\n").slice(1).join(" ").trim();
          return `    ${n.target.join(" ")}${why ? ` — ${why}` : ""}`;
        })
        .join("\n");
      const more = v.nodes.length > 4 ? `\n    …and ${v.nodes.length - 4} more` : "";
      return `${path}: [${v.impact}] ${v.id}: ${v.help}\n${nodes}${more}`;
    });
}

/** Fails with the list when the page has serious or critical accessibility violations. */
export async function expectAccessible(page: Page, what = new URL(page.url()).pathname) {
  const found = await axeViolations(page);
  expect(found, `${what}: serious or critical accessibility violations\n${found.join("\n")}`).toEqual([]);
}
