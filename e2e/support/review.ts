import { expect, type Browser } from "@playwright/test";
import { SignInPage } from "../pages/sign-in-page";
import { fromApp } from "./test";
import { DEMO } from "./users";

/**
 * A reviewer, in a browser context of their own, approves the given assets of a campaign that wait
 * in the review queue, through the routes the review screen calls. For journeys that need approved
 * draft images: the checks approve most of them alone, but the NSFW model scores some of the
 * simulator's random shapes above its warning level, and those wait for a person.
 */
export async function approveWaiting(browser: Browser, campaign: string, assetIds: string[]): Promise<void> {
  if (assetIds.length === 0) return;
  const context = await browser.newContext();
  try {
    const reviewer = await context.newPage();
    await new SignInPage(reviewer).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
    const queue = (await (
      await reviewer.request.get(`/api/review/queue?campaign=${encodeURIComponent(campaign)}`)
    ).json()) as { items: { assetId: string; versionId: string }[] };
    for (const id of assetIds) {
      const item = queue.items.find((i) => i.assetId === id);
      expect(item, `asset ${id} is in the review queue`).toBeTruthy();
      const res = await reviewer.request.post("/api/review/decisions", {
        headers: fromApp(reviewer),
        data: { assetId: id, assetVersionId: item!.versionId, decision: "approve" },
      });
      expect(res.status(), await res.text()).toBe(201);
    }
  } finally {
    await context.close();
  }
}
