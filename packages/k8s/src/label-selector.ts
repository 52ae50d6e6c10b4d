// TEST TOOL — label and field selectors as the API server reads them, shared by
// the fake API server and the simulated cluster so both select exactly what a
// real list call would.
//
// Grammar and meaning follow k8s.io/apimachinery/pkg/labels/selector.go
// (`Parse`, `Requirement.Matches`) and the labels concept page
// (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/):
// requirements are comma-separated and ANDed; `=`/`==` need the key present
// with that value; `!=` and `notin` also match objects WITHOUT the key; `in`
// needs the key; `key` / `!key` test existence. A selector that does not parse
// is a 400 BadRequest from the API server, so it throws here.

export type Requirement =
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!exists" };

export class SelectorError extends Error {
  override readonly name = "SelectorError";
}

// Label keys: optional DNS-subdomain prefix and a name (validation.IsQualifiedName).
const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
// Values may be empty (validation.IsValidLabelValue).
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function key(raw: string, selector: string): string {
  const k = raw.trim();
  if (!KEY.test(k))
    throw new SelectorError(
      `unable to parse requirement: invalid label key "${k}" in "${selector}"`,
    );
  return k;
}

function value(raw: string, selector: string): string {
  const v = raw.trim();
  if (!VALUE.test(v))
    throw new SelectorError(
      `unable to parse requirement: invalid label value "${v}" in "${selector}"`,
    );
  return v;
}

/** Splits on commas that are not inside a `( … )` value set. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === "(") depth += 1;
    else if (ch === ")") depth -= 1;
    else if (ch === "," && depth === 0) {
      out.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  out.push(selector.slice(start));
  return out.map((t) => t.trim()).filter(Boolean);
}

const SET = /^(.+?)\s+(in|notin)\s*\((.*)\)$/;

export function parseLabelSelector(selector: string): Requirement[] {
  return terms(selector).map((term): Requirement => {
    const set = SET.exec(term);
    if (set) {
      const values = (set[3] ?? "").split(",").map((v) => value(v, selector));
      if (values.length === 0 || (values.length === 1 && values[0] === ""))
        throw new SelectorError(`unable to parse requirement: "${term}" needs at least one value`);
      return { key: key(set[1] ?? "", selector), op: set[2] as "in" | "notin", values };
    }
    const ne = term.indexOf("!=");
    if (ne > 0)
      return {
        key: key(term.slice(0, ne), selector),
        op: "notin",
        values: [value(term.slice(ne + 2), selector)],
      };
    const eq = term.indexOf("=");
    if (eq > 0) {
      const rest = term.slice(eq + (term[eq + 1] === "=" ? 2 : 1));
      return { key: key(term.slice(0, eq), selector), op: "in", values: [value(rest, selector)] };
    }
    if (term.startsWith("!")) return { key: key(term.slice(1), selector), op: "!exists" };
    return { key: key(term, selector), op: "exists" };
  });
}

export function matchesRequirements(
  labels: Record<string, string> | undefined,
  requirements: Requirement[],
): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case "exists":
        return has;
      case "!exists":
        return !has;
      case "in":
        return has && r.values.includes(l[r.key] as string);
      default:
        return !has || !r.values.includes(l[r.key] as string);
    }
  });
}

/** Compiles once, matches many: list calls over thousands of objects parse the selector once. */
export function labelMatcher(
  selector: string | undefined,
): (labels: Record<string, string> | undefined) => boolean {
  if (!selector) return () => true;
  const requirements = parseLabelSelector(selector);
  return (labels) => matchesRequirements(labels, requirements);
}

/** `matchesLabelSelector(labels, "a=b,c notin (d)")`. */
export function matchesLabelSelector(
  labels: Record<string, string> | undefined,
  selector: string,
): boolean {
  return labelMatcher(selector)(labels);
}

function fieldValue(obj: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined),
      obj,
    );
}

/**
 * Field selectors support only `=`, `==` and `!=` on a few fields per kind
 * (k8s.io/apimachinery/pkg/fields/selector.go); `type`, `metadata.name` and
 * `metadata.namespace` are the ones used here. A missing field reads as "".
 */
export function fieldMatcher(selector: string | undefined): (obj: unknown) => boolean {
  if (!selector) return () => true;
  const checks = selector
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term) => {
      const ne = term.indexOf("!=");
      if (ne > 0) return { path: term.slice(0, ne), want: term.slice(ne + 2), equal: false };
      const [path, want] = term.split(/==?/) as [string, string | undefined];
      if (want === undefined) throw new SelectorError(`invalid field selector "${selector}"`);
      return { path, want, equal: true };
    });
  return (obj) =>
    checks.every(
      ({ path, want, equal }) => (String(fieldValue(obj, path) ?? "") === want) === equal,
    );
}
