import type { Page } from "@playwright/test";

/**
 * Holds a page's requests to `url` (only `method`'s, when given) until `release()`, to pin a race
 * between a server answer and the person's next action. `stop()` lets later requests through
 * untouched; call it once the held answers have landed. A held request the page gave up on
 * (a navigation a newer one replaced) is let go quietly.
 */
export async function holdRequests(page: Page, url: string | RegExp, method?: string) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route(url, async (route) => {
    if (!method || route.request().method() === method) await gate;
    await route.continue().catch(() => {});
  });
  return { release, stop: () => page.unroute(url) };
}
