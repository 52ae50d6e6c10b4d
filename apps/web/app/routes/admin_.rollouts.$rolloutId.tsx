// Admins only: one rollout — its plan, a count per state for each wave, each
// store (wave, from → to version, state, reason), the halted store and its
// reason up top, and Pause / Resume / Abort (audited by the API). While the
// rollout is active the page re-runs its loader every 2 s (use-poll-while.ts
// says why not the store event stream).
import {
  type ActionFunctionArgs,
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { ROLLOUT_STORE_STATES } from "@storeplane/db/domain";
import { CsrfInput } from "../components/csrf-input.tsx";
import {
  isActiveRollout,
  MemberStateBadge,
  RolloutStateBadge,
} from "../components/rollout-bits.tsx";
import { EngineLabel } from "../components/store-bits.tsx";
import { requireAdmin } from "../utils/auth.server.ts";
import { validateCsrf } from "../utils/csrf.server.ts";
import { apiErrorCode, isApiError } from "../utils/errors.server.ts";
import { formatDateTime, formatDuration } from "../utils/format.ts";
import { useActionResult } from "../utils/use-action-result.ts";
import { usePollWhile } from "../utils/use-poll-while.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Rollout of ${data.rollout.engine} ${data.rollout.targetChartVersion} · storeplane`
      : "Rollout · storeplane",
  },
];

const NOT_FOUND = "No rollout here.";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api } = await requireAdmin(request, context);
  let status: Awaited<ReturnType<typeof api.rollouts.status>>;
  try {
    status = await api.rollouts.status({ id: params.rolloutId ?? "" });
  } catch (error) {
    if (isApiError(error, "NOT_FOUND", "BAD_REQUEST"))
      throw new Response(NOT_FOUND, { status: 404 });
    throw error;
  }
  return json({
    rollout: {
      id: status.id,
      engine: status.engine,
      targetChartVersion: status.targetChartVersion,
      state: status.state,
      waves: status.waves,
      waveDeadlineSeconds: status.waveDeadlineSeconds,
      pauseSeconds: status.pauseSeconds,
      maxUnavailable: status.maxUnavailable,
      haltReason: status.haltReason,
      haltedStoreId: status.haltedStoreId,
      haltedStoreName: status.haltedStoreName,
      createdBy: status.createdBy,
      createdAt: status.createdAt,
      finishedAt: status.finishedAt,
    },
    waveSummary: status.waveSummary,
    stores: status.stores.map((s) => ({
      storeId: s.storeId,
      name: s.name,
      wave: s.wave,
      state: s.state,
      fromChartVersion: s.fromChartVersion,
      reason: s.reason,
      finishedAt: s.finishedAt,
    })),
  });
}

const INTENTS = ["pause", "resume", "abort"] as const;
type Intent = (typeof INTENTS)[number];

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { api } = await requireAdmin(request, context);
  const formData = await request.formData();
  await validateCsrf(request, context, formData);
  const id = params.rolloutId ?? "";
  const intent = String(formData.get("intent") ?? "");
  if (!(INTENTS as readonly string[]).includes(intent)) {
    return json({ error: `Unknown action "${intent}".` }, 400);
  }
  try {
    await api.rollouts[intent as Intent]({ id });
    return redirect(`/admin/rollouts/${id}`);
  } catch (error) {
    if (isApiError(error, "NOT_FOUND")) throw new Response(NOT_FOUND, { status: 404 });
    const code = apiErrorCode(error);
    // A refused transition (e.g. pausing a rollout that just completed): say why.
    if (code && code !== "INTERNAL_SERVER_ERROR" && code !== "UNAUTHORIZED") {
      return json({ error: (error as Error).message }, 400);
    }
    throw error;
  }
}

const STATE_COLUMNS = ROLLOUT_STORE_STATES;

export default function RolloutPage() {
  const { rollout, waveSummary, stores } = useLoaderData<typeof loader>();
  const actionData = useActionResult<typeof action>();
  const navigation = useNavigation();
  const busyIntent =
    navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  const active = isActiveRollout(rollout.state);
  usePollWhile(active);
  const halted = rollout.state === "halted";

  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="/admin">Admin</Link> / <Link to="/admin/rollouts">Rollouts</Link> /{" "}
            {rollout.targetChartVersion}
          </div>
          <h1 className="row">
            <EngineLabel engine={rollout.engine} /> to{" "}
            <span className="mono">{rollout.targetChartVersion}</span>{" "}
            <RolloutStateBadge state={rollout.state} />
          </h1>
          <p>
            Started {formatDateTime(rollout.createdAt)} by {rollout.createdBy}
            {rollout.finishedAt ? ` · ended ${formatDateTime(rollout.finishedAt)}` : ""} · deadline{" "}
            {formatDuration(rollout.waveDeadlineSeconds * 1000)} per store · pause{" "}
            {formatDuration(rollout.pauseSeconds * 1000)} between waves · at most{" "}
            {rollout.maxUnavailable} upgrading at once
          </p>
        </div>
        {active ? (
          <div className="row">
            {rollout.state === "running" ? (
              <IntentButton intent="pause" label="Pause" busy={busyIntent === "pause"} />
            ) : (
              <IntentButton intent="resume" label="Resume" busy={busyIntent === "resume"} />
            )}
            <IntentButton intent="abort" label="Abort" danger busy={busyIntent === "abort"} />
          </div>
        ) : null}
      </div>

      <p className="sr-only" aria-live="polite" data-testid="live-status">
        Rollout is {rollout.state}.
      </p>

      {halted ? (
        <div className="form-error" role="alert" data-testid="halted">
          <strong>
            Halted at store{" "}
            {rollout.haltedStoreId ? (
              <Link to={`/stores/${rollout.haltedStoreId}`}>
                {rollout.haltedStoreName ?? rollout.haltedStoreId}
              </Link>
            ) : (
              "?"
            )}
          </strong>
          : {rollout.haltReason ?? "no reason recorded"}. It went back to its previous version;
          nothing more is upgraded until you resume (the failed store stays where it is) or abort.
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="form-error" role="alert" data-testid="rollout-action-error">
          {actionData.error}
        </div>
      ) : null}

      <section className="card" style={{ padding: 0 }} aria-labelledby="waves-heading">
        <h2 id="waves-heading" style={{ padding: "1.1rem 1.25rem 0" }}>
          Waves
        </h2>
        <div className="table-wrap">
          <table data-testid="waves">
            <thead>
              <tr>
                <th scope="col">Wave</th>
                <th scope="col">Stores</th>
                {STATE_COLUMNS.map((state) => (
                  <th scope="col" key={state}>
                    {state}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {waveSummary.map((wave) => (
                <tr key={wave.wave} data-wave={wave.wave}>
                  <td>{wave.wave}</td>
                  <td>{wave.stores}</td>
                  {STATE_COLUMNS.map((state) => (
                    <td key={state} data-count={state}>
                      {wave[state]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" style={{ padding: 0 }} aria-labelledby="members-heading">
        <h2 id="members-heading" style={{ padding: "1.1rem 1.25rem 0" }}>
          Stores
        </h2>
        <div className="table-wrap">
          <table data-testid="members">
            <thead>
              <tr>
                <th scope="col">Store</th>
                <th scope="col">Wave</th>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {stores.map((store) => (
                <tr
                  key={store.storeId}
                  data-member={store.name ?? store.storeId}
                  className={store.storeId === rollout.haltedStoreId ? "warning" : undefined}
                >
                  <td>
                    <Link to={`/stores/${store.storeId}`} className="store-name">
                      {store.name ?? store.storeId}
                    </Link>
                  </td>
                  <td>{store.wave}</td>
                  <td className="mono">
                    {store.fromChartVersion} → {rollout.targetChartVersion}
                  </td>
                  <td>
                    <MemberStateBadge state={store.state} />
                  </td>
                  <td className="small">{store.reason ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

function IntentButton({
  intent,
  label,
  busy,
  danger = false,
}: {
  intent: Intent;
  label: string;
  busy: boolean;
  danger?: boolean;
}) {
  return (
    <Form method="post">
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" className={`btn${danger ? " btn-danger" : ""}`} disabled={busy}>
        {label}
      </button>
    </Form>
  );
}
