import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { Card } from "@/components/ui/card";
import { isFirstRun } from "@/lib/setup/first-run-page";

export const metadata: Metadata = { title: "Set up Kiln" };

export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (!(await isFirstRun())) redirect("/sign-in");
  return (
    <Card
      title="Welcome to Kiln"
      description="Create the first admin account. You can add designers, reviewers and finance users next."
    >
      <SetupForm />
    </Card>
  );
}
