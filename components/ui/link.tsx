"use client";

import NextLink from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps, FocusEvent, MouseEvent, TouchEvent } from "react";

/**
 * Kiln's links: Next's Link, prefetching a page when the person shows they may open it (pointer
 * over it, keyboard focus on it, a touch) rather than whenever it scrolls into view. By default
 * Next asks the server for every link in the viewport: the console menu alone is up to 27 links,
 * a library page dozens of asset cards, each one a server render with its session check and
 * database reads, on every page view. An explicit `prefetch` prop is passed through as given.
 */
export default function Link({
  prefetch,
  onMouseEnter,
  onFocus,
  onTouchStart,
  ...props
}: ComponentProps<typeof NextLink>) {
  const router = useRouter();
  if (prefetch !== undefined)
    return (
      <NextLink
        prefetch={prefetch}
        onMouseEnter={onMouseEnter}
        onFocus={onFocus}
        onTouchStart={onTouchStart}
        {...props}
      />
    );
  const href = typeof props.href === "string" ? props.href : null;
  const intent = () => {
    if (href?.startsWith("/")) router.prefetch(href);
  };
  return (
    <NextLink
      {...props}
      prefetch={false}
      onMouseEnter={(e: MouseEvent<HTMLAnchorElement>) => {
        intent();
        onMouseEnter?.(e);
      }}
      onFocus={(e: FocusEvent<HTMLAnchorElement>) => {
        intent();
        onFocus?.(e);
      }}
      onTouchStart={(e: TouchEvent<HTMLAnchorElement>) => {
        intent();
        onTouchStart?.(e);
      }}
    />
  );
}
