import type { ReactNode } from "react";
import { KilnMark } from "@/components/console/kiln-mark";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex items-center justify-center gap-2 text-xl font-semibold">
          <KilnMark /> Kiln
        </div>
        {children}
      </div>
    </main>
  );
}
