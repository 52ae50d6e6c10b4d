import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Re-runs the page's loaders every `intervalMs` while `active` is true and
 * the tab is visible. For data that has no change channel of its own: the
 * rollout driver writes rollout rows (a store passing its gate, a wave
 * starting, completion) without a NOTIFY, so /events/stream never hears of
 * them. Without JavaScript the page is static and a reload shows the latest.
 */
export function usePollWhile(active: boolean, intervalMs = 2_000): void {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const state = useRef(revalidator.state);
  state.current = revalidator.state;

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      // One fetch at a time, and none for a tab nobody looks at.
      if (state.current !== "idle" || document.visibilityState === "hidden") return;
      revalidate.current();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
}
