import Link from "@/components/ui/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-kiln-600">403</p>
        <h1 className="mt-2 text-2xl font-semibold">This area is not for your role</h1>
        <p className="mt-2 text-sm text-stone-600">
          Your account does not have access to this page. If you need it, ask a Kiln admin to change your role.
        </p>
        <Link href="/" className="mt-6 inline-block text-sm font-medium text-kiln-700 hover:underline">
          Back to the console
        </Link>
      </div>
    </main>
  );
}
