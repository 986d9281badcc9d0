import type { Metadata } from "next";
import { CreateUserForm } from "@/components/admin/create-user-form";
import { UsersTable } from "@/components/admin/users-table";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { listTeams } from "@/lib/teams";
import { listUsers } from "@/lib/users";
import { TeamsCard } from "@/components/admin/teams-card";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ welcome?: string }> }) {
  const ctx = await requirePageCtx("users.manage");
  const [users, teams, params] = await Promise.all([listUsers({ ctx }), listTeams({ ctx }), searchParams]);
  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in, and what their role lets them do. Changing a role or deactivating a user ends their open sessions."
      />
      {params.welcome && (
        <div className="mb-6">
          <Alert tone="success">
            Kiln is set up and you are its admin. Add the designers, reviewers and finance users who will work here.
          </Alert>
        </div>
      )}
      <div className="grid gap-6 xl:grid-cols-[1fr_22rem]">
        <Card title={`${users.length} ${users.length === 1 ? "user" : "users"}`}>
          <UsersTable
            users={users.map((u) => ({
              ...u,
              lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
              createdAt: u.createdAt.toISOString(),
            }))}
            currentUserId={ctx.actor.id}
            teams={teams}
          />
        </Card>
        <div className="space-y-6">
          <Card title="Add a user" description="They sign in with this email and password; ask them to keep it safe.">
            <CreateUserForm />
          </Card>
          <Card title="Teams" description="Team budgets and quotas count the work of their members.">
            <TeamsCard teams={teams} />
          </Card>
        </div>
      </div>
    </>
  );
}
