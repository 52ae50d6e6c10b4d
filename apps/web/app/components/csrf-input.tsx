import { useRouteLoaderData } from "@remix-run/react";
import type { RootLoader } from "../root.tsx";

/** The hidden CSRF field every form post carries (checked by validateCsrf in the action). */
export function CsrfInput() {
  const data = useRouteLoaderData<RootLoader>("root");
  return <input type="hidden" name="csrf" value={data?.csrf ?? ""} />;
}
