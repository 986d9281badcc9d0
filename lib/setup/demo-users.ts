import { inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { users, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";

/** Documented in the README: KILN_DEMO=1 seeds these at start-up. */
export const DEMO_USERS: readonly { email: string; name: string; role: Role; password: string }[] = [
  { email: "admin@kiln.local", name: "Ada Admin", role: "admin", password: "kiln-demo-admin" },
  { email: "designer@kiln.local", name: "Dana Designer", role: "designer", password: "kiln-demo-designer" },
  { email: "reviewer@kiln.local", name: "Rey Reviewer", role: "reviewer", password: "kiln-demo-reviewer" },
  { email: "finance@kiln.local", name: "Fin Finance", role: "finance", password: "kiln-demo-finance" },
];

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
  const rows = await Promise.all(missing.map(async (u) => ({ email: u.email, name: u.name, role: u.role, passwordHash: await hashPassword(u.password) })));
  await db.insert(users).values(rows).onConflictDoNothing();
  await recordAudit({ db, input: { actor: null, action: "demo.users_seeded", data: { emails: missing.map((u) => u.email) } } });
  return missing.map((u) => u.email);
}
