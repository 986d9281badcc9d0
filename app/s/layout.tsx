import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = { title: "Shared", robots: { index: false, follow: false }, referrer: "no-referrer" };

/** Share links' own frame: no console navigation, no session, nothing but what the link shows. */
export default function ShareLayout({ children }: { children: ReactNode }) {
  return (
    <div className="min-h-screen bg-stone-50 text-stone-900">
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
      <footer className="mx-auto max-w-5xl px-4 pb-8 text-xs text-stone-500">Shared with Kiln</footer>
    </div>
  );
}
