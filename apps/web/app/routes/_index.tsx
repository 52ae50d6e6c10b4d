import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { getUser } from "../utils/auth.server.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await getUser(request, context);
  throw redirect(user ? "/stores" : "/login");
}
