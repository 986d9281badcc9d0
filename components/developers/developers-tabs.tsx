"use client";

import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "/developers/tokens", label: "API tokens" },
  { href: "/developers/webhooks", label: "Webhooks" },
  { href: "/developers/reference", label: "API reference" },
] as const;

/** API tokens | Webhooks | API reference: the Developers area's sections. */
export function DevelopersTabs() {
  const pathname = usePathname();
  return (
    <nav className="mb-5 flex gap-6 border-b border-stone-200" aria-label="Developers sections">
      {TABS.map((t) => {
        const on = pathname.startsWith(t.href);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={on ? "page" : undefined}
            className={`border-b-2 px-1 pb-2 text-sm font-medium ${on ? "border-kiln-600 text-kiln-700" : "border-transparent text-stone-500 hover:text-stone-800"}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
