import { randomUUID } from "node:crypto";
import {
  type ActionFunctionArgs,
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { createStoreInput, firstIssueMessage, storeNameSchema } from "@storeplane/api/schemas";
import { describePlan } from "@storeplane/k8s/plans";
import { useEffect, useState } from "react";
import { CsrfInput } from "../components/csrf-input.tsx";
import { QuotaMeter } from "../components/store-bits.tsx";
import { requireUser, storeLimitFor } from "../utils/auth.server.ts";
import { validateCsrf } from "../utils/csrf.server.ts";
import { formErrorsFrom } from "../utils/errors.server.ts";
import { type FieldErrors, formValues, parseWithSchema } from "../utils/forms.ts";

export const meta: MetaFunction = () => [{ title: "New store · storeplane" }];

const FIELDS = ["name", "engine", "plan", "idempotencyKey", "deletionProtection"] as const;

const ENGINES = [
  {
    value: "woocommerce",
    label: "WooCommerce",
    description: "WordPress + WooCommerce on MariaDB, with a sample product and Cash on Delivery.",
  },
  {
    value: "medusa",
    label: "Medusa",
    description: "Medusa v2 on Postgres and Redis, with its admin at /app and a storefront.",
  },
] as const;

// The sizes come from the quota the controller applies, never a copy of it.
const PLANS = [
  { value: "small", label: "Small", description: describePlan("small") },
  { value: "medium", label: "Medium", description: describePlan("medium") },
  { value: "large", label: "Large", description: describePlan("large") },
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, api } = await requireUser(request, context);
  // Only the total is needed: every live store counts against the quota.
  const { total } = await api.stores.list({ limit: 1 });
  return json({
    quota: { used: total, limit: storeLimitFor(user, context) },
    // Makes a double-submitted form (a second click, a resent POST without
    // JavaScript) create one store, not two.
    idempotencyKey: `web-${randomUUID()}`,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireUser(request, context);
  const formData = await request.formData();
  await validateCsrf(request, context, formData);
  const values = formValues(formData, FIELDS);
  // A checkbox posts "on" when ticked and nothing otherwise; the schema takes a boolean.
  const { deletionProtection, ...rest } = values;
  const parsed = parseWithSchema(createStoreInput, {
    ...rest,
    ...(deletionProtection === undefined
      ? {}
      : { deletionProtection: deletionProtection === "on" }),
  });
  if (!parsed.ok) {
    return json({ fieldErrors: parsed.fieldErrors as FieldErrors, formError: null, values }, 400);
  }
  try {
    const store = await api.stores.create(parsed.data);
    return redirect(`/stores/${store.id}`);
  } catch (error) {
    const { fieldErrors, formError } = formErrorsFrom(error, FIELDS);
    return json(
      { fieldErrors: fieldErrors as FieldErrors, formError: humanize(formError), values },
      400,
    );
  }
}

/** "quota: you already have 5 of 5 stores" → "Quota reached: you already have 5 of 5 stores." */
function humanize(message: string | null): string | null {
  if (!message) return null;
  if (message.startsWith("quota: ")) return `Quota reached: ${message.slice(7)}.`;
  return message;
}

export default function NewStorePage() {
  const { quota, idempotencyKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const values: Record<string, string | undefined> = actionData?.values ?? {};
  // Inline messages come from the same schema in the browser; the server's
  // (e.g. "is taken", which only the server knows) stay until the name is edited.
  const [clientErrors, setClientErrors] = useState<string[]>([]);
  const [edited, setEdited] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new server answer resets the state
  useEffect(() => setEdited(false), [actionData]);
  const serverNameErrors = edited ? undefined : actionData?.fieldErrors.name;
  const shownNameErrors = clientErrors.length > 0 ? clientErrors : serverNameErrors;
  const checkName = (value: string) => {
    const result = storeNameSchema.safeParse(value);
    setClientErrors(result.success ? [] : [firstIssueMessage(result.error) ?? "is invalid"]);
  };
  const hasNameErrors = Boolean(shownNameErrors && shownNameErrors.length > 0);

  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="/stores">Stores</Link> / New
          </div>
          <h1>Create a store</h1>
          <p>It gets its own namespace, database, credentials and URL.</p>
        </div>
        <QuotaMeter used={quota.used} limit={quota.limit} />
      </div>
      <div className="card">
        <Form
          method="post"
          className="form"
          noValidate
          onSubmit={(event) => {
            const name = new FormData(event.currentTarget).get("name");
            const result = storeNameSchema.safeParse(
              typeof name === "string" && name ? name : undefined,
            );
            if (!result.success) {
              event.preventDefault();
              setClientErrors([firstIssueMessage(result.error) ?? "is invalid"]);
              document.getElementById("name")?.focus();
            }
          }}
        >
          <CsrfInput />
          <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
          {actionData?.formError ? (
            <div className="form-error" role="alert" id="form-error">
              {actionData.formError}
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="name">Name</label>
            <input
              id="name"
              name="name"
              type="text"
              autoComplete="off"
              spellCheck={false}
              required
              defaultValue={values.name}
              aria-invalid={hasNameErrors || undefined}
              aria-describedby={`name-hint${hasNameErrors ? " name-error" : ""}`}
              onBlur={(event) => {
                if (event.currentTarget.value) checkName(event.currentTarget.value);
              }}
              onChange={(event) => {
                setEdited(true);
                if (clientErrors.length > 0) checkName(event.currentTarget.value);
              }}
            />
            <p className="hint" id="name-hint">
              3–40 lowercase letters, digits and dashes; it becomes the store's host name.
            </p>
            {hasNameErrors ? (
              <ul className="field-error" id="name-error" aria-live="polite">
                {shownNameErrors?.map((message) => (
                  <li key={message}>Name {message}</li>
                ))}
              </ul>
            ) : null}
          </div>
          <fieldset aria-describedby={actionData?.fieldErrors.engine ? "engine-error" : undefined}>
            <legend>Engine</legend>
            <div className="choices">
              {ENGINES.map((engine) => (
                <label className="choice" key={engine.value}>
                  <input
                    type="radio"
                    name="engine"
                    value={engine.value}
                    defaultChecked={(values.engine ?? "woocommerce") === engine.value}
                  />
                  <strong>{engine.label}</strong>
                  <span>{engine.description}</span>
                </label>
              ))}
            </div>
            {actionData?.fieldErrors.engine ? (
              <ul className="field-error" id="engine-error">
                {actionData.fieldErrors.engine.map((message) => (
                  <li key={message}>Engine {message}</li>
                ))}
              </ul>
            ) : null}
          </fieldset>
          <fieldset aria-describedby={actionData?.fieldErrors.plan ? "plan-error" : undefined}>
            <legend>Plan</legend>
            <div className="choices">
              {PLANS.map((plan) => (
                <label className="choice" key={plan.value}>
                  <input
                    type="radio"
                    name="plan"
                    value={plan.value}
                    defaultChecked={(values.plan ?? "small") === plan.value}
                  />
                  <strong>{plan.label}</strong>
                  <span>{plan.description}</span>
                </label>
              ))}
            </div>
            {actionData?.fieldErrors.plan ? (
              <ul className="field-error" id="plan-error">
                {actionData.fieldErrors.plan.map((message) => (
                  <li key={message}>Plan {message}</li>
                ))}
              </ul>
            ) : null}
          </fieldset>
          <div className="field">
            <label className="check">
              <input
                type="checkbox"
                name="deletionProtection"
                defaultChecked={values.deletionProtection === "on"}
                aria-describedby="deletion-protection-hint"
              />
              Protect from deletion
            </label>
            <p className="hint" id="deletion-protection-hint">
              While on, deleting the store is refused until someone turns it off on its page.
            </p>
          </div>
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? "Creating…" : "Create store"}
            </button>
            <Link to="/stores" className="btn btn-ghost">
              Cancel
            </Link>
          </div>
        </Form>
      </div>
    </>
  );
}
