import Link from "@/components/ui/link";

/** Overview | Operations (admins only). */
export function CostTabs({ active, operations }: { active: "overview" | "operations"; operations: boolean }) {
  const tab = (href: string, label: string, on: boolean) => (
    <Link
      href={href}
      aria-current={on ? "page" : undefined}
      className={`border-b-2 px-1 pb-2 text-sm font-medium ${on ? "border-kiln-600 text-kiln-700" : "border-transparent text-stone-500 hover:text-stone-800"}`}
    >
      {label}
    </Link>
  );
  return (
    <nav className="mb-5 flex gap-6 border-b border-stone-200" aria-label="Costs sections">
      {tab("/costs", "Overview", active === "overview")}
      {operations && tab("/costs/operations", "Operations", active === "operations")}
    </nav>
  );
}
