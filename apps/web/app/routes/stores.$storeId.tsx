import { randomUUID } from "node:crypto";
import {
  type ActionFunctionArgs,
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { CopyButton } from "../components/copy-button.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { StoreBackups } from "../components/store-backups.tsx";
import { EngineLabel, PhaseBadge } from "../components/store-bits.tsx";
import { StoreChartHistory } from "../components/store-chart-history.tsx";
import { requireUser } from "../utils/auth.server.ts";
import { validateCsrf } from "../utils/csrf.server.ts";
import { apiErrorCode, formErrorsFrom, isApiError } from "../utils/errors.server.ts";
import { formatAge, formatClock, formatDateTime, formatDuration } from "../utils/format.ts";
import { buildPipeline } from "../utils/pipeline.ts";
import { storeLinks } from "../utils/store-links.ts";
import { useActionResult } from "../utils/use-action-result.ts";
import { useStoreEvents } from "../utils/use-store-events.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.store.name ?? "Store"} · storeplane` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api } = await requireUser(request, context);
  const id = params.storeId ?? "";
  let store: Awaited<ReturnType<typeof api.stores.get>>;
  try {
    store = await api.stores.get({ id });
  } catch (error) {
    // Someone else's store and a missing one look the same (the API answers
    // NOT_FOUND for both), so the page cannot be used to probe names.
    if (isApiError(error, "NOT_FOUND", "BAD_REQUEST")) {
      throw new Response("No store here, or it is not yours to see.", { status: 404 });
    }
    throw error;
  }
  const [events, resources, cluster, backups, chartHistory] = await Promise.all([
    api.stores.events({ id: store.id, limit: 100 }),
    // The cluster may be slow or absent: its failure never breaks the page.
    store.deletedAt
      ? Promise.resolve({
          ok: false as const,
          note: "The store is deleted; nothing is left in the cluster.",
        })
      : api.stores
          .resources({ id: store.id })
          .then((value) => ({ ok: true as const, value }))
          .catch((error: unknown) => {
            if (apiErrorCode(error) === "PRECONDITION_FAILED") {
              return { ok: false as const, note: (error as Error).message };
            }
            throw error;
          }),
    context.clusterStatus(),
    api.backups
      .list({ store: store.id, limit: 20 })
      .then((items) => ({ items, note: null }))
      .catch((error: unknown) => ({
        items: [],
        note: `Backups unavailable: ${(error as Error).message}`,
      })),
    // A history that cannot be read is a note on its card, never a broken page.
    api.stores.chartHistory({ id: store.id }).catch(() => null),
  ]);
  return json({
    now: Date.now(),
    links: storeLinks(store, cluster.mode),
    store: {
      id: store.id,
      name: store.name,
      namespace: store.namespace,
      engine: store.engine,
      plan: store.plan,
      phase: store.phase,
      conditions: store.conditions,
      storeUrl: store.storeUrl,
      adminUrl: store.adminUrl,
      lastError: store.lastError,
      failureCount: store.failureCount,
      createdAt: store.createdAt,
      readyAt: store.readyAt,
      deletionProtection: store.deletionProtection,
      suspended: store.suspended,
      chartVersion: store.chartVersion,
      deployedChartVersion: store.deployedChartVersion,
      deletionRequestedAt: store.deletionRequestedAt,
      deletedAt: store.deletedAt,
    },
    events: events.map((event) => ({
      id: event.id,
      createdAt: event.createdAt,
      type: event.type,
      reason: event.reason,
      message: event.message,
      actor: event.actor,
    })),
    resources,
    cloneKey: `web-${randomUUID()}`,
    chartHistory: chartHistory
      ? {
          initial: {
            version: chartHistory.initial.version,
            at: chartHistory.initial.at.toISOString(),
          },
          entries: chartHistory.entries.map((entry) => ({
            rolloutId: entry.rolloutId,
            fromVersion: entry.fromVersion,
            toVersion: entry.toVersion,
            outcome: entry.outcome,
            reason: entry.reason,
            at: entry.at.toISOString(),
          })),
        }
      : null,
    backups: {
      note: backups.note,
      items: backups.items.map((b) => ({
        id: b.id,
        kind: b.kind,
        status: b.status,
        sizeBytes: b.sizeBytes,
        durationMs: b.durationMs,
        sha256: b.sha256,
        error: b.error,
        createdAt: new Date(b.createdAt).toISOString(),
        prunedAt: b.prunedAt ? new Date(b.prunedAt).toISOString() : null,
        verification: b.verification
          ? {
              status: b.verification.status,
              verifiedAt: b.verification.verifiedAt
                ? new Date(b.verification.verifiedAt).toISOString()
                : null,
              error: b.verification.error,
              durationMs: b.verification.durationMs,
            }
          : null,
      })),
    },
  });
}

type ActionResult =
  | {
      intent: "reveal";
      credentials: {
        adminUrl: string | null;
        username: string;
        password: string;
        email: string | null;
      };
    }
  | { intent: string; error: string }
  | {
      intent: "clone";
      error: string | null;
      fieldErrors: Record<string, string[]>;
      name: string;
    };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { api } = await requireUser(request, context);
  const formData = await request.formData();
  await validateCsrf(request, context, formData);
  const id = params.storeId ?? "";
  const intent = String(formData.get("intent") ?? "");
  try {
    if (intent === "reveal") {
      const credentials = await api.stores.credentials({ id });
      return json<ActionResult>(
        {
          intent,
          credentials: {
            adminUrl: credentials.adminUrl,
            username: credentials.username,
            password: credentials.password,
            email: credentials.email,
          },
        },
        { headers: { "Cache-Control": "no-store" } },
      );
    }
    if (intent === "retry") {
      await api.stores.retry({ id });
      return redirect(`/stores/${id}`);
    }
    if (intent === "backup") {
      await api.backups.create({ store: id });
      return redirect(`/stores/${id}`);
    }
    if (intent === "verify") {
      // No backup chosen (a page without one): the API verifies the latest.
      const backupId = String(formData.get("backupId") ?? "") || undefined;
      await api.backups.verify({ store: id, backupId });
      return redirect(`/stores/${id}`);
    }
    if (intent === "restore") {
      const store = await api.stores.get({ id });
      const confirmation = String(formData.get("confirm") ?? "").trim();
      if (confirmation !== store.name) {
        return json<ActionResult>(
          { intent, error: `Type the store's name, "${store.name}", to confirm the restore.` },
          400,
        );
      }
      await api.backups.restore({
        backupId: String(formData.get("backupId") ?? ""),
        confirm: confirmation,
      });
      return redirect(`/stores/${id}`);
    }
    if (intent === "clone") {
      const name = String(formData.get("name") ?? "").trim();
      try {
        const { store: clone } = await api.backups.clone({
          backupId: String(formData.get("backupId") ?? ""),
          name,
          idempotencyKey: String(formData.get("idempotencyKey") ?? "") || undefined,
        });
        return redirect(`/stores/${clone.id}`);
      } catch (error) {
        if (isApiError(error, "NOT_FOUND")) throw error;
        const { fieldErrors, formError } = formErrorsFrom(error, ["name"]);
        return json<ActionResult>({ intent, error: formError, fieldErrors, name }, 400);
      }
    }
    if (intent === "suspend" || intent === "resume") {
      await (intent === "suspend" ? api.stores.suspend({ id }) : api.stores.resume({ id }));
      return redirect(`/stores/${id}`);
    }
    if (intent === "deletion-protection") {
      const enabled = String(formData.get("enabled") ?? "");
      if (enabled !== "on" && enabled !== "off") {
        return json<ActionResult>({ intent, error: 'enabled: must be "on" or "off".' }, 400);
      }
      await api.stores.setDeletionProtection({ id, enabled: enabled === "on" });
      return redirect(`/stores/${id}`);
    }
    if (intent === "delete") {
      const store = await api.stores.get({ id });
      const confirmation = String(formData.get("confirm") ?? "").trim();
      if (confirmation !== store.name) {
        return json<ActionResult>(
          { intent, error: `Type the store's name, "${store.name}", to confirm.` },
          400,
        );
      }
      await api.stores.delete({ id: store.id });
      return redirect(`/stores?deleted=${encodeURIComponent(store.name)}`);
    }
    return json<ActionResult>({ intent, error: `Unknown action "${intent}".` }, 400);
  } catch (error) {
    if (isApiError(error, "NOT_FOUND")) {
      throw new Response("No store here, or it is not yours to see.", { status: 404 });
    }
    const code = apiErrorCode(error);
    if (code && code !== "INTERNAL_SERVER_ERROR" && code !== "UNAUTHORIZED") {
      return json<ActionResult>({ intent, error: (error as Error).message }, 400);
    }
    throw error;
  }
}

export default function StoreDetailPage() {
  const { store, events, resources, now, links, backups, chartHistory, cloneKey } =
    useLoaderData<typeof loader>();
  const actionData = useActionResult<ActionResult>();
  const navigation = useNavigation();
  useStoreEvents((storeId) => storeId === store.id);
  const pipeline = buildPipeline(store.conditions, store.phase);
  const timeToReady = store.readyAt
    ? new Date(store.readyAt).getTime() - new Date(store.createdAt).getTime()
    : null;
  const gone = Boolean(store.deletedAt);
  const deleting = Boolean(store.deletionRequestedAt) && !gone;
  const busyIntent =
    navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;

  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="/stores">Stores</Link> / {store.name}
          </div>
          <h1 className="row">
            {store.name} <PhaseBadge phase={gone ? "Deleted" : store.phase} />
          </h1>
          <p>
            <EngineLabel engine={store.engine} /> · plan {store.plan} · created{" "}
            {formatAge(store.createdAt, now)} ago
          </p>
        </div>
        {store.phase === "Ready" && links.storefront ? (
          <div className="row">
            <a className="btn" href={links.storefront} target="_blank" rel="noreferrer">
              Open storefront
            </a>
            {links.admin ? (
              <a className="btn btn-primary" href={links.admin} target="_blank" rel="noreferrer">
                Open admin
              </a>
            ) : null}
          </div>
        ) : null}
      </div>

      <p className="sr-only" aria-live="polite" data-testid="live-status">
        Store {store.name} is {gone ? "deleted" : store.phase}.
      </p>

      {store.phase === "Failed" && !deleting ? (
        <div className="form-error" role="alert">
          <strong>Provisioning failed</strong>
          {store.lastError ? `: ${store.lastError}` : "."}
          <br />
          The controller does not retry a failed store on its own
          {store.failureCount > 0 ? ` (it gave up after ${store.failureCount} attempts)` : ""}: fix
          the cause, then retry.
          <Form method="post" style={{ marginTop: "0.6rem" }}>
            <CsrfInput />
            <input type="hidden" name="intent" value="retry" />
            <button type="submit" className="btn btn-sm" disabled={busyIntent === "retry"}>
              {busyIntent === "retry" ? "Retrying…" : "Retry now"}
            </button>
          </Form>
        </div>
      ) : null}
      {actionData &&
      "error" in actionData &&
      actionData.error &&
      actionData.intent !== "delete" &&
      actionData.intent !== "clone" ? (
        <div className="form-error" role="alert">
          {actionData.error}
        </div>
      ) : null}

      <div className="grid-2">
        <div>
          <section className="card" aria-labelledby="pipeline-heading">
            <div className="card-head">
              <h2 id="pipeline-heading">Provisioning pipeline</h2>
              <span className="muted small" data-testid="time-to-ready">
                {timeToReady !== null
                  ? `Ready in ${formatDuration(timeToReady)}`
                  : store.phase === "Pending" || store.phase === "Provisioning"
                    ? `running for ${formatAge(store.createdAt, now)}`
                    : ""}
              </span>
            </div>
            <ol className="pipeline">
              {pipeline.map((step, index) => (
                <li
                  key={step.type}
                  className={`step step-${step.state}`}
                  data-step={step.type}
                  data-state={step.state}
                >
                  <span className="step-icon" aria-hidden="true">
                    {step.state === "done"
                      ? "✓"
                      : step.state === "failed"
                        ? "!"
                        : step.state === "removed"
                          ? "–"
                          : index + 1}
                  </span>
                  <div>
                    <div className="step-title">
                      <span>
                        {step.label}
                        <span className="sr-only">: {step.state}</span>
                      </span>
                      {step.time ? (
                        <time dateTime={step.time}>{formatClock(step.time)} UTC</time>
                      ) : null}
                    </div>
                    {step.reason ? <div className="step-reason">{step.reason}</div> : null}
                    {step.message ? <p className="step-message">{step.message}</p> : null}
                    {!step.reason && step.state === "waiting" ? (
                      <p className="step-message muted">Waiting</p>
                    ) : null}
                  </div>
                </li>
              ))}
            </ol>
          </section>

          <section className="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading">Activity</h2>
            {/* The list scrolls, so a keyboard must be able to reach it (WCAG 2.1.1). */}
            <ol
              className="activity"
              aria-live="polite"
              aria-relevant="additions"
              aria-labelledby="activity-heading"
              // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable list needs focus to scroll by keyboard
              tabIndex={0}
            >
              {events.map((event) => (
                <li key={event.id} className={event.type === "Warning" ? "warning" : undefined}>
                  <time dateTime={String(event.createdAt)}>{formatClock(event.createdAt)}</time>
                  <div>
                    <span className="reason">{event.reason}</span> {event.message}
                    <div className="actor">{event.actor}</div>
                  </div>
                </li>
              ))}
            </ol>
          </section>
        </div>

        <div>
          <section className="card" aria-labelledby="details-heading">
            <h2 id="details-heading">Details</h2>
            <dl className="facts">
              <div>
                <dt>Store URL</dt>
                <dd>
                  {store.storeUrl ? (
                    store.phase === "Ready" && links.storefront ? (
                      <a href={links.storefront} target="_blank" rel="noreferrer">
                        {store.storeUrl}
                      </a>
                    ) : (
                      <span className="muted">{store.storeUrl} (once Ready)</span>
                    )
                  ) : (
                    "—"
                  )}
                </dd>
              </div>
              <div>
                <dt>Created</dt>
                <dd>{formatDateTime(store.createdAt)}</dd>
              </div>
              <div>
                <dt>Time to Ready</dt>
                <dd>{timeToReady !== null ? formatDuration(timeToReady) : "—"}</dd>
              </div>
              <div>
                <dt>Engine chart</dt>
                <dd className="mono" data-testid="chart-version">
                  {store.chartVersion ?? "default (assigned on the first pass)"}
                  {store.deployedChartVersion && store.deployedChartVersion !== store.chartVersion
                    ? ` (runs ${store.deployedChartVersion})`
                    : ""}
                </dd>
              </div>
              <div>
                <dt>Namespace</dt>
                <dd className="mono">{store.namespace}</dd>
              </div>
            </dl>
          </section>

          {!gone ? (
            <Credentials
              namespace={store.namespace}
              actionData={actionData}
              busy={busyIntent === "reveal"}
            />
          ) : null}

          <section className="card" aria-labelledby="resources-heading">
            <h2 id="resources-heading">Pods</h2>
            <Resources resources={resources} />
          </section>
          {!gone ? (
            <StoreBackups
              storeName={store.name}
              backups={backups.items}
              note={backups.note}
              error={
                actionData &&
                "error" in actionData &&
                (actionData.intent === "backup" ||
                  actionData.intent === "restore" ||
                  actionData.intent === "verify" ||
                  actionData.intent === "clone")
                  ? actionData.error
                  : null
              }
              busyIntent={busyIntent}
              clone={{
                idempotencyKey: cloneKey,
                fieldErrors:
                  actionData && "fieldErrors" in actionData ? actionData.fieldErrors : {},
                name: actionData && "fieldErrors" in actionData ? actionData.name : "",
              }}
            />
          ) : null}
          <StoreChartHistory history={chartHistory} />
          {!gone && !deleting ? (
            <Suspension
              suspended={store.suspended}
              phase={store.phase}
              busy={busyIntent === "suspend" || busyIntent === "resume"}
            />
          ) : null}
          {!gone && !deleting ? (
            <DeletionProtection
              enabled={store.deletionProtection}
              busy={busyIntent === "deletion-protection"}
            />
          ) : null}
          {!gone && !deleting ? (
            <DeleteStore
              storeName={store.name}
              protectedFromDeletion={store.deletionProtection}
              actionData={actionData}
              busy={busyIntent === "delete"}
            />
          ) : null}
        </div>
      </div>
    </>
  );
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Resources({ resources }: { resources: LoaderData["resources"] }) {
  if (!resources.ok) {
    return (
      <p className="notice" data-testid="cluster-note">
        Live pod status is unavailable: {resources.note}
      </p>
    );
  }
  const { pods, problems, events } = resources.value;
  return (
    <>
      {problems.length > 0 ? (
        <ul className="form-error" style={{ paddingLeft: "1.8rem" }}>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      {pods.length === 0 ? (
        <p className="muted">No pods yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="pods">
            <thead>
              <tr>
                <th scope="col">Pod</th>
                <th scope="col">Phase</th>
                <th scope="col">Ready</th>
                <th scope="col">Restarts</th>
              </tr>
            </thead>
            <tbody>
              {pods.map((pod) => {
                const waiting = pod.containers.find((container) => container.waitingReason);
                const restarts = pod.containers.reduce((sum, c) => sum + c.restartCount, 0);
                const ready = pod.containers.filter((c) => c.ready).length;
                return (
                  <tr key={pod.name}>
                    <td>{pod.name}</td>
                    <td>
                      {waiting?.waitingReason ?? pod.phase}
                      {pod.unschedulableMessage ? (
                        <div className="small muted">{pod.unschedulableMessage}</div>
                      ) : null}
                    </td>
                    <td>
                      {ready}/{pod.containers.length}
                    </td>
                    <td>{restarts}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ClusterEvents events={events} />
    </>
  );
}

/**
 * The namespace's Warning events as Kubernetes recorded them (kubelet,
 * controllers, scheduler): the same reasons `kubectl get events` shows.
 */
function ClusterEvents({
  events,
}: {
  events: Extract<LoaderData["resources"], { ok: true }>["value"]["events"];
}) {
  return (
    <>
      <h3 id="cluster-events-heading">Cluster events</h3>
      {events.length === 0 ? (
        <p className="muted">No warning events.</p>
      ) : (
        // Long messages make it scroll sideways, so a keyboard must be able to reach it (WCAG 2.1.1).
        <section
          className="table-wrap"
          aria-labelledby="cluster-events-heading"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region needs focus to scroll by keyboard
          tabIndex={0}
        >
          <table className="cluster-events" aria-labelledby="cluster-events-heading">
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">Object</th>
                <th scope="col">Message</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr
                  key={`${event.involvedKind}/${event.involvedName}/${event.reason}/${event.lastSeen}`}
                  data-type={event.type}
                >
                  <td>{event.reason}</td>
                  <td>
                    {event.involvedKind}/{event.involvedName}
                  </td>
                  <td>{event.message}</td>
                  <td>{event.lastSeen ? formatClock(event.lastSeen) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

function Credentials({
  namespace,
  actionData,
  busy,
}: {
  namespace: string;
  actionData: ActionResult | undefined;
  busy: boolean;
}) {
  const revealed = actionData && "credentials" in actionData ? actionData.credentials : null;
  return (
    <section className="card" aria-labelledby="credentials-heading">
      <h2 id="credentials-heading">Admin credentials</h2>
      {revealed ? (
        <div className="cred-grid" data-testid="credentials">
          {revealed.adminUrl ? (
            <>
              <span className="muted small">Admin URL</span>
              <div className="secret">
                <span>{revealed.adminUrl}</span>
                <CopyButton value={revealed.adminUrl} label="admin URL" />
              </div>
            </>
          ) : null}
          <span className="muted small">Username</span>
          <div className="secret">
            <span data-testid="username">{revealed.username}</span>
            <CopyButton value={revealed.username} label="username" />
          </div>
          <span className="muted small">Password</span>
          <div className="secret">
            <span data-testid="password">{revealed.password}</span>
            <CopyButton value={revealed.password} label="password" />
          </div>
        </div>
      ) : (
        <Form method="post" className="stack">
          <CsrfInput />
          <input type="hidden" name="intent" value="reveal" />
          <p className="muted small" style={{ margin: 0 }}>
            Read from the Secret in <code>{namespace}</code>. Every reveal is recorded in the audit
            log.
          </p>
          <button type="submit" className="btn" disabled={busy}>
            {busy ? "Revealing…" : "Reveal credentials"}
          </button>
        </Form>
      )}
    </section>
  );
}

function Suspension({
  suspended,
  phase,
  busy,
}: {
  suspended: boolean;
  phase: string;
  busy: boolean;
}) {
  return (
    <section className="card" aria-labelledby="suspend-heading">
      <h2 id="suspend-heading">Suspend</h2>
      <p className="small" data-testid="suspension">
        {suspended
          ? phase === "Suspended"
            ? 'Suspended: its workloads run zero replicas and its URL shows a "this store is paused" page. Data, volumes and credentials are kept, and it still counts against the store quota.'
            : "Suspending: scaling its workloads to zero."
          : 'Scales the store\'s workloads to zero, keeping its data; its URL shows a "this store is paused" page until it is resumed.'}
      </p>
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value={suspended ? "resume" : "suspend"} />
        <button type="submit" className="btn btn-sm" disabled={busy}>
          {suspended ? "Resume store" : "Suspend store"}
        </button>
      </Form>
    </section>
  );
}

function DeletionProtection({ enabled, busy }: { enabled: boolean; busy: boolean }) {
  return (
    <section className="card" aria-labelledby="protection-heading">
      <h2 id="protection-heading">Deletion protection</h2>
      <p className="small" data-testid="deletion-protection">
        {enabled
          ? "On: deleting this store is refused until protection is turned off."
          : "Off: the store can be deleted."}
      </p>
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="deletion-protection" />
        <input type="hidden" name="enabled" value={enabled ? "off" : "on"} />
        <button type="submit" className="btn btn-sm" disabled={busy}>
          {enabled ? "Turn off deletion protection" : "Turn on deletion protection"}
        </button>
      </Form>
    </section>
  );
}

function DeleteStore({
  storeName,
  protectedFromDeletion,
  actionData,
  busy,
}: {
  storeName: string;
  protectedFromDeletion: boolean;
  actionData: ActionResult | undefined;
  busy: boolean;
}) {
  const [typed, setTyped] = useState("");
  const error =
    actionData && "error" in actionData && actionData.intent === "delete" ? actionData.error : null;
  return (
    <section className="card danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete store</h2>
      <p className="small">
        Uninstalls the release and removes the namespace with everything in it: database, uploads
        and credentials. This cannot be undone.
      </p>
      {protectedFromDeletion ? (
        <p className="notice small">
          Deletion protection is on: turn it off above before deleting.
        </p>
      ) : null}
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="delete" />
        <div className="field">
          <label htmlFor="confirm">
            Type <code>{storeName}</code> to confirm
          </label>
          <input
            id="confirm"
            name="confirm"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "confirm-error" : undefined}
          />
          {error ? (
            <p className="field-error" id="confirm-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="btn btn-danger" disabled={busy}>
          {busy ? "Deleting…" : "Delete this store"}
        </button>
      </Form>
    </section>
  );
}
