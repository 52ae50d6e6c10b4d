// Storefront home: the product list. The storefront lives at the root of the
// Medusa server (/, /products/:handle, /cart, /checkout, /order/:id,
// /shop-assets/*), clear of /app, /admin, /store, /auth and /health.
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http";
import { sendPage } from "../lib/storefront/page";

export const GET = (req: MedusaRequest, res: MedusaResponse) => sendPage(req, res, "home");
