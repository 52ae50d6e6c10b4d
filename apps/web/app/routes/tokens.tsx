import {
  type ActionFunctionArgs,
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { createTokenInput } from "@storeplane/api/schemas";
import { CopyButton } from "../components/copy-button.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { Field } from "../components/field.tsx";
import { requireUser } from "../utils/auth.server.ts";
import { validateCsrf } from "../utils/csrf.server.ts";
import { formErrorsFrom } from "../utils/errors.server.ts";
import { formatDateTime } from "../utils/format.ts";
import { type FieldErrors, parseWithSchema } from "../utils/forms.ts";

export const meta: MetaFunction = () => [{ title: "API tokens · storeplane" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireUser(request, context);
  const tokens = await api.tokens.list();
  const url = new URL(request.url);
  return json({
    apiUrl: url.origin,
    tokens: tokens.map((token) => ({
      id: token.id,
      name: token.name,
      prefix: token.prefix,
      createdAt: token.createdAt,
      lastUsedAt: token.lastUsedAt,
      expiresAt: token.expiresAt,
    })),
  });
}

type ActionResult =
  | { intent: "create"; token: string; name: string }
  | { intent: "create"; fieldErrors: FieldErrors; formError: string | null }
  | { intent: "revoke"; revoked: string }
  | { intent: string; formError: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireUser(request, context);
  const formData = await request.formData();
  await validateCsrf(request, context, formData);
  const intent = String(formData.get("intent") ?? "");
  if (intent === "revoke") {
    const id = String(formData.get("id") ?? "");
    try {
      await api.tokens.revoke({ id });
      return json<ActionResult>({ intent, revoked: String(formData.get("name") ?? "token") });
    } catch (error) {
      const { formError } = formErrorsFrom(error, []);
      return json<ActionResult>({ intent, formError: formError ?? "Could not revoke" }, 400);
    }
  }
  const days = String(formData.get("expiresInDays") ?? "");
  const parsed = parseWithSchema(createTokenInput, {
    name: String(formData.get("name") ?? ""),
    ...(days ? { expiresInDays: Number(days) } : {}),
  });
  if (!parsed.ok) {
    return json<ActionResult>(
      { intent: "create", fieldErrors: parsed.fieldErrors, formError: null },
      400,
    );
  }
  try {
    const created = await api.tokens.create(parsed.data);
    // Shown once: the response is not cached and the token is not stored.
    return json<ActionResult>(
      { intent: "create", token: created.token, name: created.info.name },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    const { fieldErrors, formError } = formErrorsFrom(error, ["name", "expiresInDays"]);
    return json<ActionResult>({ intent: "create", fieldErrors, formError }, 400);
  }
}

export default function TokensPage() {
  const { tokens, apiUrl } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionResult>();
  const navigation = useNavigation();
  const created = actionData && "token" in actionData ? actionData : null;
  const createErrors = actionData && "fieldErrors" in actionData ? actionData : null;
  const otherError =
    actionData && "formError" in actionData && !("fieldErrors" in actionData)
      ? actionData.formError
      : null;
  // A repository script, never a bare `npx storectl`: that would fetch whatever
  // the public registry holds under a name this project does not own.
  const example = `npm run storectl -- login --url ${apiUrl} --token ${created?.token ?? "<your token>"}`;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>API tokens</h1>
          <p>
            For scripts and the storectl CLI. A token acts as you; revoke it when it is no longer
            needed.
          </p>
        </div>
      </div>
      {created ? (
        <div className="notice notice-success" role="status" data-testid="new-token">
          <p style={{ marginTop: 0 }}>
            <strong>Token “{created.name}” created.</strong> Copy it now: it is shown only once.
          </p>
          <div className="secret">
            <code data-testid="token-value">{created.token}</code>
            <CopyButton value={created.token} label="token" />
          </div>
        </div>
      ) : null}
      {actionData && "revoked" in actionData ? (
        <div className="notice" role="status">
          Token “{actionData.revoked}” revoked. Scripts using it now get 401 Unauthorized.
        </div>
      ) : null}
      {otherError ? (
        <div className="form-error" role="alert">
          {otherError}
        </div>
      ) : null}
      <div className="grid-2">
        <section className="card" aria-labelledby="tokens-heading">
          <h2 id="tokens-heading">Your tokens</h2>
          {tokens.length === 0 ? (
            <p className="muted">No tokens yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Token</th>
                    <th scope="col" className="hide-sm">
                      Created
                    </th>
                    <th scope="col" className="hide-sm">
                      Last used
                    </th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((token) => (
                    <tr key={token.id} data-token={token.name}>
                      <td>{token.name}</td>
                      <td className="mono">{token.prefix}…</td>
                      <td className="hide-sm">{formatDateTime(token.createdAt)}</td>
                      <td className="hide-sm">
                        {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "never"}
                      </td>
                      <td>
                        <Form method="post">
                          <CsrfInput />
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="id" value={token.id} />
                          <input type="hidden" name="name" value={token.name} />
                          <button
                            type="submit"
                            className="btn btn-sm"
                            aria-label={`Revoke token ${token.name}`}
                          >
                            Revoke
                          </button>
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <div>
          <section className="card" aria-labelledby="create-token-heading">
            <h2 id="create-token-heading">Create a token</h2>
            {/* A new key per created token remounts the form: its fields start empty again. */}
            <Form method="post" noValidate key={created?.token ?? "create-token"}>
              <CsrfInput />
              <input type="hidden" name="intent" value="create" />
              {createErrors?.formError ? (
                <div className="form-error" role="alert">
                  {createErrors.formError}
                </div>
              ) : null}
              <Field
                id="token-name"
                name="name"
                label="Name"
                type="text"
                placeholder="ci-deploy"
                hint="What will use it, so you can tell tokens apart."
                errors={createErrors?.fieldErrors.name}
              />
              <Field
                id="token-expiry"
                name="expiresInDays"
                label="Expires after (days)"
                type="number"
                min={1}
                max={3650}
                hint="Leave empty for a token that does not expire."
                errors={createErrors?.fieldErrors.expiresInDays}
              />
              <button
                type="submit"
                className="btn btn-primary"
                disabled={navigation.state === "submitting"}
              >
                Create token
              </button>
            </Form>
          </section>
          <section className="card" aria-labelledby="cli-heading">
            <div className="card-head">
              <h2 id="cli-heading">Use it with storectl</h2>
              <CopyButton value={example} label="storectl command" />
            </div>
            <pre className="code">
              <code>{example}</code>
            </pre>
            <p className="muted small">
              Then{" "}
              <code>npm run storectl -- stores create my-shop --engine woocommerce --wait</code>.
              Scripts can call the tRPC API at <code>{apiUrl}/api/trpc</code> with{" "}
              <code>Authorization: Bearer &lt;token&gt;</code>.
            </p>
          </section>
        </div>
      </div>
    </>
  );
}
