export function KilnMark({ className = "h-7 w-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect width="32" height="32" rx="7" className="fill-kiln-600" />
      <path d="M9 24V12a7 7 0 0 1 14 0v12z" className="fill-kiln-100" />
      <path
        d="M16 22c-2.5 0-4-1.7-4-3.8 0-2.6 2.3-3.6 3-6.2 1.8 1.3 5 3.6 5 6.3 0 2-1.5 3.7-4 3.7z"
        className="fill-kiln-500"
      />
    </svg>
  );
}
