"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { refreshNavCounts } from "@/components/console/use-nav-counts";
import { api } from "@/components/api-client";
import { Button } from "@/components/ui/button";

export function MarkReadButton() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const client = useQueryClient();
  return (
    <Button
      variant="ghost"
      disabled={pending}
      onClick={() =>
        start(async () => {
          await api("/api/notifications", { json: {} });
          await refreshNavCounts(client);
          router.refresh();
        })
      }
    >
      Mark all read
    </Button>
  );
}
