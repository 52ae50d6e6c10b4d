import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { CsrfInput } from "./csrf-input.tsx";
import { Field } from "./field.tsx";

interface AuthActionData {
  fieldErrors: Record<string, string[] | undefined>;
  formError: string | null;
  email: string;
}

export function AuthForm({ kind }: { kind: "login" | "signup" }) {
  const actionData = useActionData<AuthActionData>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const busy = navigation.state === "submitting";
  const title = kind === "login" ? "Log in" : "Create your account";
  return (
    <div className="auth">
      <h1>{title}</h1>
      <p className="muted">
        {kind === "login"
          ? "Provision WooCommerce and Medusa stores on your cluster."
          : "The first account on a new platform becomes its administrator."}
      </p>
      <div className="card">
        <Form
          method="post"
          noValidate
          aria-describedby={actionData?.formError ? "form-error" : undefined}
        >
          <CsrfInput />
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
          {actionData?.formError ? (
            <div className="form-error" id="form-error" role="alert">
              {actionData.formError}
            </div>
          ) : null}
          <Field
            id="email"
            name="email"
            type="email"
            label="Email"
            autoComplete="email"
            required
            defaultValue={actionData?.email}
            errors={actionData?.fieldErrors.email}
          />
          <Field
            id="password"
            name="password"
            type="password"
            label="Password"
            autoComplete={kind === "login" ? "current-password" : "new-password"}
            required
            hint={kind === "signup" ? "At least 10 characters." : undefined}
            errors={actionData?.fieldErrors.password}
          />
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy}
            style={{ width: "100%" }}
          >
            {busy ? "Please wait…" : title}
          </button>
        </Form>
      </div>
      <p className="muted" style={{ textAlign: "center" }}>
        {kind === "login" ? (
          <>
            No account yet? <Link to="/signup">Sign up</Link>
          </>
        ) : (
          <>
            Already have an account? <Link to="/login">Log in</Link>
          </>
        )}
      </p>
    </div>
  );
}
