import { inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { teams, users, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";

/** Documented in the README: KILN_DEMO=1 seeds these at start-up. */
export const DEMO_USERS: readonly { email: string; name: string; role: Role; password: string; team?: string }[] = [
  { email: "admin@kiln.local", name: "Ada Admin", role: "admin", password: "kiln-demo-admin" },
  {
    email: "designer@kiln.local",
    name: "Dana Designer",
    role: "designer",
    password: "kiln-demo-designer",
    team: "Brand",
  },
  { email: "reviewer@kiln.local", name: "Rey Reviewer", role: "reviewer", password: "kiln-demo-reviewer" },
  { email: "finance@kiln.local", name: "Fin Finance", role: "finance", password: "kiln-demo-finance" },
];

export const DEMO_TEAMS = ["Brand", "Growth"] as const;

/** Idempotent: creates the demo users that do not exist yet and leaves the others alone. */
export async function seedDemoUsers({ db }: { db: Db }): Promise<string[]> {
  const existing = await db
    .select({ email: users.email })
    .from(users)
    .where(
      inArray(
        users.email,
        DEMO_USERS.map((u) => u.email),
      ),
    );
  const have = new Set(existing.map((u) => u.email));
  const missing = DEMO_USERS.filter((u) => !have.has(u.email));
  if (missing.length === 0) return [];
  // The demo teams budgets and cost visibility apply to; the demo designer works in Brand.
  await db
    .insert(teams)
    .values(DEMO_TEAMS.map((name) => ({ name })))
    .onConflictDoNothing();
  const teamIds = new Map(
    (
      await db
        .select()
        .from(teams)
        .where(inArray(teams.name, [...DEMO_TEAMS]))
    ).map((t) => [t.name, t.id]),
  );
  const rows = await Promise.all(
    missing.map(async (u) => ({
      email: u.email,
      name: u.name,
      role: u.role,
      passwordHash: await hashPassword(u.password),
      teamId: u.team ? (teamIds.get(u.team) ?? null) : null,
    })),
  );
  await db.insert(users).values(rows).onConflictDoNothing();
  await recordAudit({
    db,
    input: {
      actor: null,
      action: "demo.users_seeded",
      data: { emails: missing.map((u) => u.email), teams: [...DEMO_TEAMS] },
    },
  });
  return missing.map((u) => u.email);
}
