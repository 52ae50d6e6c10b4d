// What the seed creates, in one place, so the storefront and the tests agree on
// names (the storefront finds the publishable key by PUBLISHABLE_KEY_TITLE).
export const SALES_CHANNEL_NAME = "Default Sales Channel";
export const REGION_NAME = "Europe";
export const REGION_COUNTRIES = ["gb", "de", "dk", "se", "fr", "es", "it", "nl"] as const;
export const STOCK_LOCATION_NAME = "Main Warehouse";
export const FULFILLMENT_SET_NAME = "Main Warehouse delivery";
export const PUBLISHABLE_KEY_TITLE = "Storeplane Storefront";
export const STOCK_PER_VARIANT = 1000;

export const SHIPPING_OPTIONS = [
  {
    name: "Standard Shipping",
    label: "Standard",
    description: "Ships in 2-3 days.",
    code: "standard",
    eur: 10,
    usd: 10,
  },
  {
    name: "Express Shipping",
    label: "Express",
    description: "Ships in 24 hours.",
    code: "express",
    eur: 20,
    usd: 20,
  },
] as const;

export interface CatalogProduct {
  title: string;
  handle: string;
  subtitle: string;
  description: string;
  sizes: string[];
  eur: number;
  usd: number;
  weight: number;
  thumbnail?: string;
}

export const CATALOG: CatalogProduct[] = [
  {
    title: "Harbour T-Shirt",
    handle: "harbour-t-shirt",
    subtitle: "Organic cotton, everyday fit",
    description:
      "A soft, heavyweight organic cotton tee with a relaxed fit. Garment-dyed, pre-shrunk, and made to be worn for years.",
    sizes: ["S", "M", "L", "XL"],
    eur: 25,
    usd: 28,
    weight: 220,
  },
  {
    title: "Fjord Sweatshirt",
    handle: "fjord-sweatshirt",
    subtitle: "Brushed fleece crewneck",
    description:
      "A midweight crewneck in brushed-back fleece, with ribbed cuffs and hem. Warm enough for a cold harbour morning.",
    sizes: ["S", "M", "L", "XL"],
    eur: 55,
    usd: 60,
    weight: 480,
  },
  {
    title: "Canvas Tote",
    handle: "canvas-tote",
    subtitle: "12 oz cotton canvas",
    description:
      "A sturdy everyday tote with an inside pocket and long handles that fit over a coat. Carries a week of groceries.",
    sizes: ["One size"],
    eur: 18,
    usd: 20,
    weight: 300,
  },
];
