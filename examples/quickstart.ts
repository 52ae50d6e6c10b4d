// A script that uses only the typed client, as a platform user would:
// sign up (or log in), create an API token, create a store, list stores, and
// request the store's deletion.
//
//   npx tsx examples/quickstart.ts http://localhost:3000 you@example.com 'a long password'
//
// Prints one JSON line per step; exits non-zero on the first failure.
import { clientErrorCode, createClient } from "@storeplane/api/client";

const [
  url = "http://localhost:3000",
  email = "demo@example.com",
  password = "correct horse battery",
] = process.argv.slice(2);
const storeName = process.env.STORE_NAME ?? `demo-${Date.now().toString(36)}`;

function step(name: string, detail: Record<string, unknown>) {
  console.log(JSON.stringify({ step: name, ...detail }));
}

const anonymous = createClient({ url });
let sessionToken: string;
try {
  ({ sessionToken } = await anonymous.auth.signup.mutate({ email, password }));
  step("signup", { email });
} catch (error) {
  if (clientErrorCode(error) !== "CONFLICT") throw error;
  ({ sessionToken } = await anonymous.auth.login.mutate({ email, password }));
  step("login", { email });
}

const asSession = createClient({ url, token: sessionToken });
const { token } = await asSession.tokens.create.mutate({ name: "quickstart script" });
step("token", { prefix: `${token.slice(0, 7)}…` });

// From here on, only the API token: what a CI job or a script would hold.
const client = createClient({ url, token });
const store = await client.stores.create.mutate({
  name: storeName,
  engine: "woocommerce",
  plan: "small",
});
step("create", { id: store.id, name: store.name, phase: store.phase });

const stores = await client.stores.list.query({});
step("list", { names: stores.items.map((s) => s.name), total: stores.total });

const deleting = await client.stores.delete.mutate({ id: store.id });
step("delete", { id: deleting.id, phase: deleting.phase });
