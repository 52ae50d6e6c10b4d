import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http";
import { sendPage } from "../../lib/storefront/page";

export const GET = (req: MedusaRequest, res: MedusaResponse) => sendPage(req, res, "cart");
