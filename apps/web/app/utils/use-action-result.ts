import { useActionData, useNavigation } from "@remix-run/react";
import { useRef } from "react";

/**
 * The page's last action result, kept until the next form submission.
 *
 * Remix's useActionData() is cleared by any completed navigation that is not
 * the action's own reload, and a revalidation is one (@remix-run/router
 * completeNavigation: "Clear actionData on any other completed navigations").
 * Pages that update live (useStoreEvents, usePollWhile) revalidate whenever a
 * store changes, so an error under a field, or credentials just revealed,
 * vanished the moment the controller wrote a condition: the delete refused
 * for deletion protection showed its reason for a few hundred milliseconds.
 * Here a result stays on screen until the user submits again.
 */
export function useActionResult<T>(): ReturnType<typeof useActionData<T>> {
  const actionData = useActionData<T>();
  const navigation = useNavigation();
  const lastSeen = useRef(actionData);
  const kept = useRef(actionData);
  // A new submission replaces the old result, even if it answers nothing
  // (a redirect back to this page).
  if (navigation.state === "submitting") kept.current = undefined;
  if (actionData !== lastSeen.current) {
    lastSeen.current = actionData;
    // A revalidation turns actionData to undefined: that is not a new result.
    if (actionData !== undefined) kept.current = actionData;
  }
  return kept.current;
}
