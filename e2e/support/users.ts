/** The demo users KILN_DEMO=1 seeds (lib/setup/demo-users.ts; documented in the README). */
export const DEMO = {
  admin: { email: "admin@kiln.local", password: "kiln-demo-admin", name: "Ada Admin" },
  designer: { email: "designer@kiln.local", password: "kiln-demo-designer", name: "Dana Designer" },
  reviewer: { email: "reviewer@kiln.local", password: "kiln-demo-reviewer", name: "Rey Reviewer" },
  finance: { email: "finance@kiln.local", password: "kiln-demo-finance", name: "Fin Finance" },
} as const;

export type DemoRole = keyof typeof DEMO;

let counter = 0;
export function uniqueEmail(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.test`;
}
