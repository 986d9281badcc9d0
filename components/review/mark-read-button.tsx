"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { api } from "@/components/api-client";
import { Button } from "@/components/ui/button";

export function MarkReadButton() {
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <Button
      variant="ghost"
      disabled={pending}
      onClick={() =>
        start(async () => {
          await api("/api/notifications", { json: {} });
          router.refresh();
        })
      }
    >
      Mark all read
    </Button>
  );
}
