import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { teams, users, type Team } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { refreshOwnerTeam } from "@/lib/library/refresh";

const teamName = z.string().trim().min(2, "A team name has at least 2 characters.").max(60, "At most 60 characters.");
const createInput = z.object({ name: teamName });
const renameInput = z.object({ teamId: z.string().uuid("Unknown team."), name: teamName });
const assignInput = z.object({
  userId: z.string().uuid("Unknown user."),
  teamId: z.string().uuid("Unknown team.").nullable(),
});
const allTeamsInput = z.object({ userId: z.string().uuid("Unknown user."), costsAllTeams: z.boolean() });

function assertCanManageTeams(ctx: Ctx) {
  if (!can(ctx.actor.role, "teams.manage")) throw new AppError("forbidden", "Only admins manage teams.");
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === "23505" || e?.cause?.code === "23505";
}

export async function createTeam({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Team> {
  assertCanManageTeams(ctx);
  const { name } = parseInput(createInput, input);
  return ctx.db.transaction(async (tx) => {
    const [team] = await tx.insert(teams).values({ name }).onConflictDoNothing().returning();
    if (!team)
      throw new AppError("conflict", `A team called “${name}” already exists.`, { fields: { name: ["Taken."] } });
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "team.created",
        subject: { type: "team", id: team.id },
        data: { name },
        ip: ctx.ip,
      },
    });
    return team;
  });
}

export async function renameTeam({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Team> {
  assertCanManageTeams(ctx);
  const { teamId, name } = parseInput(renameInput, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [before] = await tx.select().from(teams).where(eq(teams.id, teamId)).limit(1).for("update");
      if (!before) throw new AppError("not_found", "That team does not exist.");
      const [team] = await tx.update(teams).set({ name }).where(eq(teams.id, teamId)).returning();
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "team.renamed",
          subject: { type: "team", id: teamId },
          data: { from: before.name, to: name },
          ip: ctx.ip,
        },
      });
      return team!;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("conflict", `A team called “${name}” already exists.`, { fields: { name: ["Taken."] } });
    throw error;
  }
}

export type TeamView = { id: string; name: string; members: number };

/** Teams with their member counts; anyone who may see users or budgets may list them. */
export async function listTeams({ ctx }: { ctx: Ctx }): Promise<TeamView[]> {
  if (!can(ctx.actor.role, "teams.manage") && !can(ctx.actor.role, "budgets.manage"))
    throw new AppError("forbidden", "Only admins and finance see the teams.");
  const rows = await ctx.db
    .select({ id: teams.id, name: teams.name, members: sql<number>`count(${users.id})::int` })
    .from(teams)
    .leftJoin(users, eq(users.teamId, teams.id))
    .groupBy(teams.id, teams.name)
    .orderBy(asc(teams.name));
  return rows;
}

/** Puts a user in a team (or none): their work counts against that team's budgets from now on. */
export async function assignUserTeam({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  assertCanManageTeams(ctx);
  const { userId, teamId } = parseInput(assignInput, input);
  await ctx.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).limit(1).for("update");
    if (!user) throw new AppError("not_found", "That user does not exist.");
    const team = teamId ? (await tx.select().from(teams).where(eq(teams.id, teamId)).limit(1))[0] : null;
    if (teamId && !team) throw new AppError("not_found", "That team does not exist.");
    if (user.teamId === teamId) return;
    await tx.update(users).set({ teamId, updatedAt: new Date() }).where(eq(users.id, userId));
    // The library's `team:` facet follows the designer.
    await refreshOwnerTeam(tx, userId);
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "user.team_assigned",
        subject: { type: "user", id: userId },
        data: { email: user.email, from: user.teamId, to: teamId, team: team?.name ?? null },
        ip: ctx.ip,
      },
    });
  });
}

/** Lets a designer see every team's costs (finance and admins always can). */
export async function setCostsAllTeams({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  assertCanManageTeams(ctx);
  const { userId, costsAllTeams } = parseInput(allTeamsInput, input);
  await ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ costsAllTeams, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning();
    if (!user) throw new AppError("not_found", "That user does not exist.");
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "user.costs_visibility_changed",
        subject: { type: "user", id: userId },
        data: { email: user.email, costsAllTeams },
        ip: ctx.ip,
      },
    });
  });
}
