import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { createUser, listUsers } from "@/lib/users";

export const GET = guardedRoute("users.manage", async (ctx) => NextResponse.json({ users: await listUsers({ ctx }) }));

export const POST = guardedRoute({ permission: "users.manage", body: "json" }, async (ctx, request) => {
  return NextResponse.json({ user: await createUser({ ctx, input: await readJson(request) }) }, { status: 201 });
});
