"use client";

import { useStar } from "./use-library";

/** The viewer's own star (favourite); `is:starred` finds them again. */
export function StarButton({ id, starred, className = "" }: { id: string; starred: boolean; className?: string }) {
  const star = useStar();
  return (
    <button
      type="button"
      aria-pressed={starred}
      aria-label={starred ? "Unstar" : "Star"}
      title={starred ? "Starred — click to unstar" : "Star (find it again with is:starred)"}
      data-testid="star-toggle"
      onClick={(e) => {
        e.stopPropagation();
        star.mutate({ id, starred: !starred });
      }}
      className={`rounded-full px-1.5 text-base leading-6 transition ${starred ? "text-amber-500" : "text-stone-500 hover:text-amber-500"} ${className}`}
    >
      {starred ? "★" : "☆"}
    </button>
  );
}
