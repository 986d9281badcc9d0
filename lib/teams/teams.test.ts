import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createUserFactory, ctxFor } from "@/test/factories";
import { assignUserTeam, createTeam, listTeams, renameTeam, setCostsAllTeams } from "./teams";

let database: Database;
let admin: ReturnType<typeof ctxFor>;
beforeAll(async () => {
  database = await createTestDatabase();
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
});
afterAll(() => database.close());

const audits = (action: string, subjectId: string) =>
  database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action as never), eq(auditEvents.subjectId, subjectId)));

describe("teams", () => {
  it("creates, renames, lists and assigns, auditing each change; names are unique", async () => {
    const team = await createTeam({ ctx: admin, input: { name: "Brand" } });
    await expect(createTeam({ ctx: admin, input: { name: "Brand" } })).rejects.toMatchObject({ code: "conflict" });
    const other = await createTeam({ ctx: admin, input: { name: "Growth" } });
    await expect(renameTeam({ ctx: admin, input: { teamId: other.id, name: "Brand" } })).rejects.toMatchObject({
      code: "conflict",
    });
    await renameTeam({ ctx: admin, input: { teamId: other.id, name: "Growth EU" } });
    const dana = await createUserFactory(database.db, { role: "designer" });
    await assignUserTeam({ ctx: admin, input: { userId: dana.id, teamId: team.id } });
    await setCostsAllTeams({ ctx: admin, input: { userId: dana.id, costsAllTeams: true } });
    const [row] = await database.db.select().from(users).where(eq(users.id, dana.id));
    expect(row).toMatchObject({ teamId: team.id, costsAllTeams: true });
    expect(await listTeams({ ctx: admin })).toEqual([
      { id: team.id, name: "Brand", members: 1 },
      { id: other.id, name: "Growth EU", members: 0 },
    ]);
    expect(await audits("team.created", team.id)).toHaveLength(1);
    expect(await audits("team.renamed", other.id)).toEqual([
      expect.objectContaining({ data: { from: "Growth", to: "Growth EU" } }),
    ]);
    expect(await audits("user.team_assigned", dana.id)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ to: team.id, team: "Brand" }) }),
    ]);
    expect(await audits("user.costs_visibility_changed", dana.id)).toHaveLength(1);
    await assignUserTeam({ ctx: admin, input: { userId: dana.id, teamId: null } });
    expect((await database.db.select().from(users).where(eq(users.id, dana.id)))[0]!.teamId).toBeNull();
  });

  it("is for admins only (finance may list teams for budgets)", async () => {
    const designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const finance = ctxFor(database.db, await createUserFactory(database.db, { role: "finance" }));
    await expect(createTeam({ ctx: finance, input: { name: "Mine" } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      assignUserTeam({ ctx: designer, input: { userId: designer.actor.id, teamId: null } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(listTeams({ ctx: designer })).rejects.toMatchObject({ code: "forbidden" });
    await expect(listTeams({ ctx: finance })).resolves.toBeInstanceOf(Array);
  });
});
