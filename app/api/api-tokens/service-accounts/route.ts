import { NextResponse } from "next/server";
import { createServiceAccount, listServiceAccounts, type CreateServiceAccountInput } from "@/lib/api-tokens";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

export const GET = guardedRoute("service_accounts.manage", async (ctx) =>
  NextResponse.json({ serviceAccounts: await listServiceAccounts({ ctx }) }),
);

/** A user that never signs in and owns tokens for an integration (admins only). */
export const POST = guardedRoute({ permission: "service_accounts.manage", body: "json" }, async (ctx, request) => {
  const created = await createServiceAccount({
    ctx,
    input: (await readJson(request, 4 * 1024)) as CreateServiceAccountInput,
  });
  return NextResponse.json({ serviceAccount: created }, { status: 201 });
});
