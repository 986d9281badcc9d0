import type { ReactNode } from "react";
import { DevelopersTabs } from "@/components/developers/developers-tabs";
import { PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";

/** The Developers area: everything an integration needs — tokens, webhooks, the API's reference. */
export default async function DevelopersLayout({ children }: { children: ReactNode }) {
  await requirePageCtx("api_tokens.manage");
  return (
    <>
      <PageHeader
        title="Developers"
        description="Kiln's REST API under /api/v1: your systems queue generations, follow them and fetch approved assets with an API token, and hear about events through webhooks."
      />
      <DevelopersTabs />
      {children}
    </>
  );
}
