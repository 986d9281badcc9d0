"use server";

import { revalidatePath } from "next/cache";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import { changeRole, createUser, resetPassword, setUserActive, type PublicUser } from "@/lib/users";

function done<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath("/admin/users");
  return result;
}

export async function createUserAction(_prev: unknown, formData: FormData): Promise<ActionResult<PublicUser>> {
  const input = Object.fromEntries(["email", "name", "role", "password"].map((k) => [k, formData.get(k) ?? undefined]));
  return done(await guardedAction("users.manage", (ctx) => createUser({ ctx, input }), "User created."));
}

export async function changeRoleAction(userId: string, role: string): Promise<ActionResult<PublicUser>> {
  return done(await guardedAction("users.manage", (ctx) => changeRole({ ctx, input: { userId, role } }), "Role changed."));
}

export async function setActiveAction(userId: string, active: boolean): Promise<ActionResult<PublicUser>> {
  return done(
    await guardedAction("users.manage", (ctx) => setUserActive({ ctx, input: { userId, active } }), active ? "User reactivated." : "User deactivated."),
  );
}

export async function resetPasswordAction(userId: string, password: string): Promise<ActionResult<void>> {
  return done(await guardedAction("users.manage", (ctx) => resetPassword({ ctx, input: { userId, password } }), "Password reset."));
}
