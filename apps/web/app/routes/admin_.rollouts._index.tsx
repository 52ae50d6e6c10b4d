// Admins only: every rollout (engine, target chart version, state, who, when)
// and the form that starts one. The form posts the API's own fields and is
// parsed with the API's schema, so an error sits under the field it names.
import {
  type ActionFunctionArgs,
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { startRolloutInput } from "@storeplane/api/schemas";
import { ENGINES } from "@storeplane/db/domain";
import { CsrfInput } from "../components/csrf-input.tsx";
import { Field } from "../components/field.tsx";
import { isActiveRollout, RolloutStateBadge } from "../components/rollout-bits.tsx";
import { EngineLabel } from "../components/store-bits.tsx";
import { requireAdmin } from "../utils/auth.server.ts";
import { validateCsrf } from "../utils/csrf.server.ts";
import { formErrorsFrom } from "../utils/errors.server.ts";
import { formatDateTime } from "../utils/format.ts";
import { type FieldErrors, formValues, parseWithSchema } from "../utils/forms.ts";
import { useActionResult } from "../utils/use-action-result.ts";
import { usePollWhile } from "../utils/use-poll-while.ts";

export const meta: MetaFunction = () => [{ title: "Rollouts · storeplane" }];

const FIELDS = [
  "engine",
  "chartVersion",
  "waveDeadlineSeconds",
  "pauseSeconds",
  "maxUnavailable",
] as const;
const NUMBER_FIELDS = new Set<string>(["waveDeadlineSeconds", "pauseSeconds", "maxUnavailable"]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireAdmin(request, context);
  const rollouts = await api.rollouts.list();
  return json({
    rollouts: rollouts.map((r) => ({
      id: r.id,
      engine: r.engine,
      targetChartVersion: r.targetChartVersion,
      state: r.state,
      createdBy: r.createdBy,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
    })),
  });
}

/** Numbers as numbers; anything else as typed, so the schema names the field ("must be a number"). */
function toInput(values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    out[field] =
      NUMBER_FIELDS.has(field) && /^-?\d+(\.\d+)?$/.test(value.trim())
        ? Number(value.trim())
        : value.trim();
  }
  return out;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireAdmin(request, context);
  const formData = await request.formData();
  await validateCsrf(request, context, formData);
  const values = formValues(formData, FIELDS);
  const parsed = parseWithSchema(startRolloutInput, toInput(values));
  if (!parsed.ok) {
    return json({ fieldErrors: parsed.fieldErrors as FieldErrors, formError: null, values }, 400);
  }
  try {
    const rollout = await api.rollouts.start(parsed.data);
    return redirect(`/admin/rollouts/${rollout.id}`);
  } catch (error) {
    const { fieldErrors, formError } = formErrorsFrom(error, FIELDS);
    return json({ fieldErrors: fieldErrors as FieldErrors, formError, values }, 400);
  }
}

export default function RolloutsPage() {
  const { rollouts } = useLoaderData<typeof loader>();
  const actionData = useActionResult<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const values: Record<string, string | undefined> = actionData?.values ?? {};
  const errors: FieldErrors = actionData?.fieldErrors ?? {};
  // The states in the list move while a rollout runs (see use-poll-while.ts).
  usePollWhile(rollouts.some((r) => isActiveRollout(r.state)));
  const engineErrors = errors.engine;

  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="/admin">Admin</Link> / Rollouts
          </div>
          <h1>Rollouts</h1>
          <p>
            Move every store of an engine to another chart version in waves: a canary, then 10 %, 50
            % and 100 %. A store that fails its health gate goes back to its version and halts the
            rollout.
          </p>
        </div>
      </div>

      <section className="card" aria-labelledby="start-heading">
        <h2 id="start-heading">Start a rollout</h2>
        <Form method="post" className="form" noValidate>
          <CsrfInput />
          {actionData?.formError ? (
            <div className="form-error" role="alert" data-testid="rollout-form-error">
              {actionData.formError}
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="engine">Engine</label>
            <select
              id="engine"
              name="engine"
              defaultValue={values.engine ?? "woocommerce"}
              aria-invalid={engineErrors ? true : undefined}
              aria-describedby={engineErrors ? "engine-error" : undefined}
            >
              {ENGINES.map((engine) => (
                <option key={engine} value={engine}>
                  {engine}
                </option>
              ))}
            </select>
            {engineErrors ? (
              <ul className="field-error" id="engine-error" aria-live="polite">
                {engineErrors.map((message) => (
                  <li key={message}>Engine {message}</li>
                ))}
              </ul>
            ) : null}
          </div>
          <Field
            id="chartVersion"
            name="chartVersion"
            label="Chart version"
            hint="A version of the engine chart the controller image carries, e.g. 0.2.0."
            defaultValue={values.chartVersion}
            autoComplete="off"
            spellCheck={false}
            errors={errors.chartVersion}
          />
          <Field
            id="waveDeadlineSeconds"
            name="waveDeadlineSeconds"
            label="Deadline per store (seconds)"
            hint="How long an upgraded store has to be Ready again. Default 600."
            inputMode="numeric"
            defaultValue={values.waveDeadlineSeconds}
            errors={errors.waveDeadlineSeconds}
          />
          <Field
            id="pauseSeconds"
            name="pauseSeconds"
            label="Pause between waves (seconds)"
            hint="Default 300."
            inputMode="numeric"
            defaultValue={values.pauseSeconds}
            errors={errors.pauseSeconds}
          />
          <Field
            id="maxUnavailable"
            name="maxUnavailable"
            label="Max unavailable"
            hint="Most stores upgrading at once. Default 10."
            inputMode="numeric"
            defaultValue={values.maxUnavailable}
            errors={errors.maxUnavailable}
          />
          <div>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? "Starting…" : "Start rollout"}
            </button>
          </div>
        </Form>
      </section>

      <section className="card" style={{ padding: 0 }} aria-labelledby="rollouts-heading">
        <h2 id="rollouts-heading" style={{ padding: "1.1rem 1.25rem 0" }}>
          All rollouts
        </h2>
        {rollouts.length === 0 ? (
          <p className="muted" style={{ padding: "0 1.25rem 1rem" }}>
            No rollouts yet.
          </p>
        ) : (
          <div className="table-wrap">
            <table data-testid="rollouts">
              <thead>
                <tr>
                  <th scope="col">Engine</th>
                  <th scope="col">Target version</th>
                  <th scope="col">State</th>
                  <th scope="col">Created by</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {rollouts.map((rollout) => (
                  <tr key={rollout.id} data-rollout={rollout.id}>
                    <td>
                      <EngineLabel engine={rollout.engine} />
                    </td>
                    <td>
                      <Link to={`/admin/rollouts/${rollout.id}`} className="mono">
                        {rollout.targetChartVersion}
                      </Link>
                    </td>
                    <td>
                      <RolloutStateBadge state={rollout.state} />
                    </td>
                    <td>{rollout.createdBy}</td>
                    <td>{formatDateTime(rollout.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
