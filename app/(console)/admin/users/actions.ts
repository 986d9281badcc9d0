"use server";

import { revalidatePath } from "next/cache";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import type { Team } from "@/db/schema";
import { assignUserTeam, createTeam, renameTeam, setCostsAllTeams } from "@/lib/teams";
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
  return done(
    await guardedAction("users.manage", (ctx) => changeRole({ ctx, input: { userId, role } }), "Role changed."),
  );
}

export async function setActiveAction(userId: string, active: boolean): Promise<ActionResult<PublicUser>> {
  return done(
    await guardedAction(
      "users.manage",
      (ctx) => setUserActive({ ctx, input: { userId, active } }),
      active ? "User reactivated." : "User deactivated.",
    ),
  );
}

export async function resetPasswordAction(userId: string, password: string): Promise<ActionResult<void>> {
  return done(
    await guardedAction(
      "users.manage",
      (ctx) => resetPassword({ ctx, input: { userId, password } }),
      "Password reset.",
    ),
  );
}

export async function assignTeamAction(userId: string, teamId: string | null): Promise<ActionResult<void>> {
  return done(
    await guardedAction("teams.manage", (ctx) => assignUserTeam({ ctx, input: { userId, teamId } }), "Team changed."),
  );
}

export async function setCostsAllTeamsAction(userId: string, costsAllTeams: boolean): Promise<ActionResult<void>> {
  return done(
    await guardedAction(
      "teams.manage",
      (ctx) => setCostsAllTeams({ ctx, input: { userId, costsAllTeams } }),
      costsAllTeams ? "They now see every team's costs." : "They now see their own team's costs.",
    ),
  );
}

export async function createTeamAction(_prev: unknown, formData: FormData): Promise<ActionResult<Team>> {
  return done(
    await guardedAction(
      "teams.manage",
      (ctx) => createTeam({ ctx, input: { name: formData.get("teamName") ?? "" } }),
      "Team added.",
    ),
  );
}

export async function renameTeamAction(teamId: string, name: string): Promise<ActionResult<Team>> {
  return done(
    await guardedAction("teams.manage", (ctx) => renameTeam({ ctx, input: { teamId, name } }), "Team renamed."),
  );
}
