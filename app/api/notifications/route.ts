import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { listNotifications, markNotificationsRead } from "@/lib/review/notifications";

export const GET = guardedRoute("notifications.view", async (ctx) =>
  NextResponse.json({ notifications: await listNotifications({ ctx }) }),
);

/** Body: { ids?: string[] } — marks those (or all) read. */
export const POST = guardedRoute({ permission: "notifications.view", body: "json" }, async (ctx, request) => {
  await markNotificationsRead({ ctx, input: await readJson(request).catch(() => ({})) });
  return NextResponse.json({ ok: true });
});
