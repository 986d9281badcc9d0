"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { useEffect } from "react";
import { api } from "@/components/api-client";
import type { NavCounts } from "@/lib/console/nav-counts";

export const NAV_COUNTS_KEY = ["nav-counts"] as const;
const REFRESH_MS = 20_000;

/**
 * The menu's badges stay current: the console layout renders them once and is not rendered again on
 * client navigation, so they are read again every 20 s, when the window regains focus, on every page
 * change, and at once when something changes them (a review decision, marking notifications read:
 * those call refreshNavCounts).
 */
export function useNavCounts(initial: NavCounts): NavCounts {
  const pathname = usePathname();
  const client = useQueryClient();
  const query = useQuery({
    queryKey: NAV_COUNTS_KEY,
    queryFn: () => api<{ counts: NavCounts }>("/api/nav-counts").then((r) => r.counts),
    initialData: initial,
    staleTime: 0,
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: true,
  });
  useEffect(() => {
    void client.invalidateQueries({ queryKey: NAV_COUNTS_KEY });
  }, [pathname, client]);
  return query.data;
}

export function refreshNavCounts(client: ReturnType<typeof useQueryClient>) {
  return client.invalidateQueries({ queryKey: NAV_COUNTS_KEY });
}
