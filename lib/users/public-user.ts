import type { User } from "@/db/schema";

/** The user fields that may leave the server (never the password hash). */
export type PublicUser = Pick<
  User,
  | "id"
  | "email"
  | "name"
  | "role"
  | "active"
  | "lastSignInAt"
  | "createdAt"
  | "teamId"
  | "costsAllTeams"
  | "serviceAccount"
>;

export function toPublicUser(u: User): PublicUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: u.active,
    lastSignInAt: u.lastSignInAt,
    createdAt: u.createdAt,
    teamId: u.teamId,
    costsAllTeams: u.costsAllTeams,
    serviceAccount: u.serviceAccount,
  };
}
