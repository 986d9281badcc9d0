import { asc } from "drizzle-orm";
import { users } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { toPublicUser, type PublicUser } from "./public-user";

export async function listUsers({ ctx }: { ctx: Ctx }): Promise<PublicUser[]> {
  const rows = await ctx.db.select().from(users).orderBy(asc(users.email));
  return rows.map(toPublicUser);
}
