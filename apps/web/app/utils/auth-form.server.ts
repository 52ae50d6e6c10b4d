// The log-in and sign-up actions differ only in the procedure they call.
import { type AppLoadContext, json, redirect } from "@remix-run/node";
import { loginInput, signupInput } from "@storeplane/api/schemas";
import { getApi } from "./api.server.ts";
import { safeRedirect } from "./auth.server.ts";
import { validateCsrf } from "./csrf.server.ts";
import { apiErrorCode, formErrorsFrom } from "./errors.server.ts";
import { formValues, parseWithSchema } from "./forms.ts";
import { commitSessionToken } from "./session.server.ts";

const FIELDS = ["email", "password"] as const;

export async function authAction(
  kind: "login" | "signup",
  request: Request,
  context: AppLoadContext,
) {
  const formData = await request.formData();
  await validateCsrf(request, context, formData);
  const values = formValues(formData, FIELDS);
  const email = values.email ?? "";
  const parsed = parseWithSchema(kind === "login" ? loginInput : signupInput, values);
  if (!parsed.ok) {
    return json({ fieldErrors: parsed.fieldErrors, formError: null, email }, { status: 400 });
  }
  const api = await getApi(request, context);
  try {
    const result =
      kind === "login" ? await api.auth.login(parsed.data) : await api.auth.signup(parsed.data);
    const cookie = await commitSessionToken(request, result.sessionToken);
    return redirect(safeRedirect(formData.get("redirectTo")), {
      headers: { "Set-Cookie": cookie },
    });
  } catch (error) {
    const code = apiErrorCode(error);
    if (kind === "login" && code === "UNAUTHORIZED") {
      return json(
        { fieldErrors: {}, formError: "Wrong email or password.", email },
        { status: 401 },
      );
    }
    const { fieldErrors, formError } = formErrorsFrom(error, FIELDS);
    return json({ fieldErrors, formError, email }, { status: 400 });
  }
}
