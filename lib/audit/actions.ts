/** Every audited action, so the log stays searchable and typos fail to compile. */
export const AUDIT_ACTIONS = [
  "auth.signed_in",
  "auth.sign_in_failed",
  "auth.sign_in_rate_limited",
  "auth.sign_in_refused",
  "auth.signed_out",
  "auth.csrf_rejected",
  "auth.session_rejected",
  "setup.admin_created",
  "user.created",
  "user.role_changed",
  "user.deactivated",
  "user.reactivated",
  "user.password_reset",
  "demo.users_seeded",
  "upload.created",
  "upload.rejected",
  "upload.renditions_ready",
  "upload.renditions_failed",
  "access.denied",
  "run.cancelled",
  "run.replayed",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
