import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { getApi } from "../utils/api.server.ts";
import { validateCsrf } from "../utils/csrf.server.ts";
import { destroySessionToken, getSessionToken } from "../utils/session.server.ts";

export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  await validateCsrf(request, context, formData);
  if (await getSessionToken(request)) {
    const api = await getApi(request, context);
    // Revoke server-side too: a copied cookie must stop working after logout.
    await api.auth.logout().catch(() => undefined);
  }
  throw redirect("/login", { headers: { "Set-Cookie": await destroySessionToken(request) } });
}
