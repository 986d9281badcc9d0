import { test as base, expect, type Browser, type BrowserContext } from "@playwright/test";

/**
 * Every spec imports `test` from here. It watches every browser context the test opens (the
 * default one and any from browser.newContext()) and fails the test when a page logged a console
 * error, threw an uncaught error, or had something blocked by the Content Security Policy —
 * unless the test allowed that message, narrowly and with a reason (consoleWatch.allow).
 */
export type ConsoleWatch = {
  /** Expect messages matching `pattern` in this test (e.g. the browser's log of a deliberate 403). */
  allow(pattern: RegExp, reason: string): void;
  /** What was seen and not allowed so far. */
  problems(): string[];
};

/**
 * Expected in every test. The Generate form validates as the user types by asking
 * /api/batches/estimate; its 400 (field errors) or 422 (banned term, budget) answer is the message
 * shown beside the fields, and Chromium logs every 4xx fetch as a console error.
 */
const ALWAYS_ALLOWED: RegExp[] = [/status of 4(00|22) \([A-Za-z ]+\) — http:\/\/[^/]+\/api\/batches\/estimate:/];

type Problem = { kind: "console" | "pageerror" | "csp"; text: string; where: string };

// The browser reports each violation as an event on the document; the page hands it to the test.
const CSP_BINDING = "__kilnCspViolation";
const reportViolations = `document.addEventListener("securitypolicyviolation", (e) => {
  window.${CSP_BINDING}?.(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " (" + e.disposition + ") at " + (e.sourceFile || document.location.href) + ":" + e.lineNumber);
});`;

export const test = base.extend<{ consoleWatch: ConsoleWatch }>({
  consoleWatch: [
    async ({ browser, context }, use, testInfo) => {
      const seen: Problem[] = [];
      const allowed: { pattern: RegExp; reason: string }[] = [];
      const watched = new WeakSet<BrowserContext>();

      const watch = async (ctx: BrowserContext) => {
        if (watched.has(ctx)) return;
        watched.add(ctx);
        ctx.on("console", (message) => {
          if (message.type() !== "error") return;
          const { url, lineNumber } = message.location();
          seen.push({
            kind: /Content Security Policy/i.test(message.text()) ? "csp" : "console",
            text: message.text(),
            where: `${url}:${lineNumber}`,
          });
        });
        ctx.on("weberror", (error) =>
          seen.push({
            kind: "pageerror",
            text: String(error.error()?.stack ?? error.error()),
            where: error.page()?.url() ?? "",
          }),
        );
        await ctx.exposeBinding(CSP_BINDING, ({ page }, text: string) =>
          seen.push({ kind: "csp", text, where: page?.url() ?? "" }),
        );
        await ctx.addInitScript({ content: reportViolations });
      };

      await watch(context);
      // Contexts a test opens itself (several signed-in roles) are watched from their first page.
      const unpatch = patchNewContext(browser, watch);
      // A pattern sees the message and where it happened ("… — <url>:<line>"), so it can name the URL.
      const problems = () =>
        seen
          .map((p) => `[${p.kind}] ${p.text} — ${p.where}`)
          .filter(
            (line) =>
              !ALWAYS_ALLOWED.some((pattern) => pattern.test(line)) && !allowed.some((a) => a.pattern.test(line)),
          );
      try {
        await use({ allow: (pattern, reason) => allowed.push({ pattern, reason }), problems });
      } finally {
        unpatch();
      }
      const unexpected = problems();
      if (unexpected.length) {
        await testInfo.attach("console-problems", { body: unexpected.join("\n"), contentType: "text/plain" });
        throw new Error(
          `The browser reported ${unexpected.length} unexpected console error(s), page error(s) or CSP violation(s):\n${unexpected.join("\n")}`,
        );
      }
    },
    { auto: true },
  ],
});

function patchNewContext(browser: Browser, watch: (ctx: BrowserContext) => Promise<void>): () => void {
  const original = browser.newContext;
  browser.newContext = async function (this: Browser, ...args: Parameters<Browser["newContext"]>) {
    const ctx = await original.apply(this, args);
    await watch(ctx);
    return ctx;
  } as Browser["newContext"];
  return () => {
    browser.newContext = original;
  };
}

export { expect };

/**
 * Headers for page.request calls that stand in for the console's own client: a browser sends the
 * page's Origin on every POST, Playwright's API client does not, and Kiln refuses a state-changing
 * request without it.
 */
export function fromApp(page: { url(): string }): { origin: string } {
  return { origin: new URL(page.url()).origin };
}
