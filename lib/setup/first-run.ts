import { count, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { assertStrongPassword } from "@/lib/auth/password-strength";
import { emailSchema, nameSchema, newPasswordSchema } from "@/lib/auth/schemas";
import { AppError, parseInput } from "@/lib/errors";

export async function needsFirstRun({ db }: { db: Db }): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return (row?.n ?? 0) === 0;
}

const firstAdminInput = z
  .object({ email: emailSchema, name: nameSchema, password: newPasswordSchema, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { message: "The two passwords do not match.", path: ["confirm"] });

const SETUP_LOCK_KEY = 7_305_119;

const ALREADY_SET_UP = "Kiln is already set up. Sign in instead.";

/**
 * Creates the first admin, only while no user exists. Once set up, the form is public and
 * anonymous, so it is refused before any input is read or any argon2 hash is spent on it; the
 * advisory lock then makes two browsers racing through first-run end with exactly one admin.
 */
export async function createFirstAdmin({ db, input, ip }: { db: Db; input: unknown; ip: string | null }) {
  if (!(await needsFirstRun({ db }))) throw new AppError("conflict", ALREADY_SET_UP);
  const data = parseInput(firstAdminInput, input);
  await assertStrongPassword({ password: data.password, userInputs: [data.email, data.name] });
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
    const [row] = await tx.select({ n: count() }).from(users);
    if ((row?.n ?? 0) > 0) throw new AppError("conflict", ALREADY_SET_UP);
    const [admin] = await tx
      .insert(users)
      .values({ email: data.email, name: data.name, role: "admin", passwordHash })
      .returning({ id: users.id, email: users.email });
    await recordAudit({
      db: tx,
      input: {
        actor: { id: admin!.id, email: admin!.email },
        action: "setup.admin_created",
        subject: { type: "user", id: admin!.id },
        ip,
      },
    });
    return admin!;
  });
}
