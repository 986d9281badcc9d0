"use client";

import NextLink from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";

/**
 * Kiln's links: Next's Link, prefetching a page when the person shows they may open it (pointer
 * over it, keyboard focus on it, a touch) rather than whenever it scrolls into view. By default
 * Next asks the server for every link in the viewport: the console menu alone is up to 27 links,
 * a library page dozens of asset cards, each one a server render with its session check and
 * database reads, on every page view. An explicit `prefetch` prop is passed through as given.
 */
export default function Link(props: ComponentProps<typeof NextLink>) {
  const router = useRouter();
  if (props.prefetch !== undefined) return <NextLink {...props} />;
  const { onMouseEnter, onFocus, onTouchStart, ...rest } = props;
  const href = typeof props.href === "string" && props.href.startsWith("/") ? props.href : null;
  const withIntent =
    <E,>(handler?: (event: E) => void) =>
    (event: E) => {
      if (href) router.prefetch(href);
      handler?.(event);
    };
  return (
    <NextLink
      {...rest}
      prefetch={false}
      onMouseEnter={withIntent(onMouseEnter)}
      onFocus={withIntent(onFocus)}
      onTouchStart={withIntent(onTouchStart)}
    />
  );
}
