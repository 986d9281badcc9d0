import type { Page } from "@playwright/test";
import { SignInPage } from "./pages/sign-in-page";
import { axeViolations, expectAccessible } from "./support/axe";
import { expect, test } from "./support/test";
import { DEMO, type DemoRole } from "./support/users";
import { POSTGRES_PASS_SKIPS_REPEATS } from "../test/ci-pass";

/**
 * Every console page each role can open renders and runs its scripts under the Content Security
 * Policy: the fixture fails the test on any CSP violation, console error or page error. The pages
 * come from the role's own navigation (and the Costs tabs), so a new area is covered when added.
 * The admin's and the designer's pages also get one axe run each: no serious or critical
 * accessibility violations (all pages' findings are listed together at the end, so one run shows
 * everything to fix).
 */
async function visit(page: Page, href: string) {
  const response = await page.goto(href);
  expect(response?.status(), href).toBe(200);
  // Next's client runtime only starts when its nonced scripts were allowed to run.
  await expect
    .poll(() => page.evaluate(() => Boolean((window as { next?: { version?: string } }).next?.version)), {
      message: `${href} hydrated`,
    })
    .toBe(true);
  await page.waitForLoadState("load");
}

for (const role of Object.keys(DEMO) as DemoRole[]) {
  test(`every console page of the ${role} renders under the CSP without console errors`, async ({ page }) => {
    // The pages render the same on both databases (their queries are unit-tested on both); on PostgreSQL
    // the two widest roles' runs stand for all four, to keep CI under the hour.
    test.skip(
      POSTGRES_PASS_SKIPS_REPEATS && (role === "finance" || role === "reviewer"),
      "admin and designer cover the pages on PostgreSQL",
    );
    // The admin visits every admin page (each with an axe run); on a loaded two-core machine that passes four minutes.
    test.setTimeout(420_000);
    const who = DEMO[role];
    await new SignInPage(page).signInAndWait(who.email, who.password, who.name);
    const nav = page.getByRole("navigation", { name: "Console" });
    const hrefs = [
      ...new Set(await nav.locator("a[href^='/']").evaluateAll((links) => links.map((a) => a.getAttribute("href")!))),
    ];
    expect(hrefs.length).toBeGreaterThan(1);
    const visited: string[] = [];
    const violations: string[] = [];
    // axe reads the markup, which is the same on both databases: it runs in the PGlite pass only (CI time).
    // The admin opens every area and the designer is the other role with most markup of its own (the
    // Generate form, the library's actions); the reviewer's and finance's pages are the same pages
    // with fewer controls, so their runs check the CSP and the console only.
    const audits = !POSTGRES_PASS_SKIPS_REPEATS && (role === "admin" || role === "designer");
    const audit = async () => (audits ? axeViolations(page) : []);
    for (const href of hrefs) {
      await visit(page, href);
      visited.push(href);
      violations.push(...(await audit()));
      // Sections inside an area (the Costs tabs) are pages too.
      const tabs = await page
        .getByRole("navigation", { name: /sections/i })
        .locator("a[href^='/']")
        .evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
      for (const tab of tabs.filter((t) => !visited.includes(t) && !hrefs.includes(t))) {
        await visit(page, tab);
        visited.push(tab);
        violations.push(...(await audit()));
      }
    }
    // Pages added by later issues that only their role's navigation reaches.
    if (role === "admin")
      expect(visited).toEqual(expect.arrayContaining(["/admin/placements", "/admin/operations", "/admin/alerts"]));
    await page.screenshot({ path: `/tmp/console-${role}.png`, fullPage: true });
    expect(violations, `accessibility (serious, critical):\n${violations.join("\n")}`).toEqual([]);
  });
}

test("the 404 page runs its scripts under the CSP too", async ({ page, consoleWatch }) => {
  consoleWatch.allow(
    /status of 404 \(Not Found\) — http:\/\/localhost:\d+\/no-such-page:/,
    "the deliberate unknown URL",
  );
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Nothing here" })).toBeVisible();
  await expect
    .poll(() => page.evaluate(() => Boolean((window as { next?: { version?: string } }).next?.version)))
    .toBe(true);
  await expectAccessible(page);
});

test("a console page asks the server for no other page until the person points at a link", async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  const asked: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("_rsc=")) asked.push(new URL(r.url()).pathname);
  });
  await visit(page, "/");
  await page.waitForLoadState("networkidle");
  expect(asked, "pages fetched in the background on a page view").toEqual([]);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Jobs" }).hover();
  await expect.poll(() => asked).toContain("/jobs");
  expect(asked.filter((p) => p !== "/jobs")).toEqual([]);
});
