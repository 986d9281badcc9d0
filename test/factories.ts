import { hash } from "@node-rs/argon2";
import type { Db } from "@/db";
import { users, type Role, type User } from "@/db/schema";

let counter = 0;

/** A user row with a real password hash (cheap parameters: tests only). */
export async function createUserFactory(
  db: Db,
  overrides: Partial<{ email: string; name: string; role: Role; password: string; active: boolean }> = {},
): Promise<User & { password: string }> {
  counter += 1;
  const password = overrides.password ?? `correct horse ${counter}`;
  const [user] = await db
    .insert(users)
    .values({
      email: (overrides.email ?? `user${counter}-${Date.now()}@example.test`).toLowerCase(),
      name: overrides.name ?? `Test User ${counter}`,
      role: overrides.role ?? "designer",
      active: overrides.active ?? true,
      passwordHash: await hash(password, { memoryCost: 1024, timeCost: 1 }),
    })
    .returning();
  return { ...user!, password };
}

/** A context acting as the given user, as the guard would build it. */
export function ctxFor(db: Db, user: Pick<User, "id" | "email" | "name" | "role">, ip: string | null = "203.0.113.7") {
  return { db, actor: { id: user.id, email: user.email, name: user.name, role: user.role }, ip };
}
