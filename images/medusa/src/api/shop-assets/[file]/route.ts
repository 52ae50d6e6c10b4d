// The storefront's stylesheet and script, served from memory.
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http";
import { SHOP_CSS } from "../../../lib/storefront/shop-css";
import { SHOP_JS } from "../../../lib/storefront/shop-js";

const ASSETS: Record<string, { type: string; body: string }> = {
  "shop.css": { type: "text/css; charset=utf-8", body: SHOP_CSS },
  "shop.js": { type: "text/javascript; charset=utf-8", body: SHOP_JS },
};

export const GET = (req: MedusaRequest, res: MedusaResponse) => {
  const asset = ASSETS[String(req.params.file ?? "")];
  if (!asset) {
    res.status(404).type("text/plain").send("Not found");
    return;
  }
  res.setHeader("content-type", asset.type);
  res.setHeader("cache-control", "public, max-age=300");
  res.setHeader("x-content-type-options", "nosniff");
  res.status(200).send(asset.body);
};
