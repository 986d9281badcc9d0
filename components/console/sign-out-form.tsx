"use client";

import { onlineManager, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";

const SETTLE_LIMIT_MS = 3_000;

/**
 * Signing out is a full page load, not a client-side navigation: the query cache and every other
 * piece of the signed-out user's data in memory go with the page, so whoever signs in next in this
 * tab starts from nothing.
 *
 * The session ends only once the page's background reads (menu badges, review and job polling) have
 * answered, and no new one starts: a read still on its way would reach the server after the cookie
 * stopped working and be refused.
 */
export function SignOutForm({
  action,
  className,
  children,
}: {
  action: () => Promise<string>;
  className?: string;
  children: ReactNode;
}) {
  const client = useQueryClient();
  return (
    <form
      className={className}
      action={async () => {
        // TanStack Query starts nothing while "offline"; the page is replaced below, so it never comes back on.
        onlineManager.setOnline(false);
        await settled(client);
        window.location.assign(await action());
      }}
    >
      {children}
    </form>
  );
}

/** Waits (a few seconds at most, so signing out never hangs) until no read or write of the page is on its way. */
async function settled(client: QueryClient) {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (client.isFetching() + client.isMutating() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
