import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { AuthForm } from "../components/auth-form.tsx";
import { getUser } from "../utils/auth.server.ts";
import { authAction } from "../utils/auth-form.server.ts";

export const meta: MetaFunction = () => [{ title: "Log in · storeplane" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await getUser(request, context);
  if (user) throw redirect("/stores");
  return null;
}

export function action({ request, context }: ActionFunctionArgs) {
  return authAction("login", request, context);
}

export default function Page() {
  return <AuthForm kind="login" />;
}
