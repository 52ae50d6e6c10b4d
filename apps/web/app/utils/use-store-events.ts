import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Subscribes to /events/stream and re-runs the page's loaders when a store it
 * shows changes. Bursts (the controller writes several conditions in a row)
 * collapse into one re-fetch. No polling: without JavaScript the page is
 * static and a reload shows the latest state.
 */
export function useStoreEvents(filter?: (storeId: string) => boolean): void {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const filterRef = useRef(filter);
  filterRef.current = filter;

  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource("/events/stream");
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The page's data is as old as its loader, which ran before the stream
    // opened; a change made in between was announced to nobody. The same holds
    // after a reconnect. So every time the stream (re)connects, re-fetch once
    // instead of trusting the page.
    source.addEventListener("open", () => revalidate.current());
    source.addEventListener("store", (event) => {
      let storeId = "";
      try {
        storeId = (JSON.parse((event as MessageEvent<string>).data) as { storeId: string }).storeId;
      } catch {
        return;
      }
      if (filterRef.current && !filterRef.current(storeId)) return;
      clearTimeout(timer);
      timer = setTimeout(() => revalidate.current(), 150);
    });
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, []);
}
