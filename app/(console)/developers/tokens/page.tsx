import type { Metadata } from "next";
import { ApiTokensPanel } from "@/components/developers/api-tokens-panel";
import { listApiTokens, listServiceAccounts, SCOPES } from "@/lib/api-tokens";
import { requirePageCtx } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "API tokens" };

export default async function ApiTokensPage() {
  const ctx = await requirePageCtx("api_tokens.manage");
  const admin = can(ctx.actor.role, "service_accounts.manage");
  const [tokens, serviceAccounts] = await Promise.all([
    listApiTokens({ ctx }),
    admin ? listServiceAccounts({ ctx }) : Promise.resolve(undefined),
  ]);
  return <ApiTokensPanel initial={tokens} scopes={SCOPES} appUrl={env().appUrl} serviceAccounts={serviceAccounts} />;
}
