"use client";

import { useLayoutEffect, useRef, useState } from "react";

/**
 * The element's distance from the top of the document and its width, kept current as things above
 * it (chips, alerts) or the window change: the window virtualizer needs both.
 */
export function useWindowOffset<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [box, setBox] = useState({ top: 0, width: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const rect = el.getBoundingClientRect();
      const next = { top: Math.round(rect.top + window.scrollY), width: Math.floor(rect.width) };
      setBox((prev) => (prev.top === next.top && prev.width === next.width ? prev : next));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  return { ref, ...box };
}
