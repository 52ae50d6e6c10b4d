// Idempotent seed: every step looks before it creates, so the init job can run
// it on every upgrade (and twice in a row) without duplicating anything.
// Run: medusa exec ./src/scripts/seed.ts
import type { ExecArgs } from "@medusajs/framework/types";
import { ContainerRegistrationKeys, Modules, ProductStatus } from "@medusajs/framework/utils";
import {
  createApiKeysWorkflow,
  createInventoryLevelsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateApiKeysWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows";
import {
  CATALOG,
  FULFILLMENT_SET_NAME,
  PUBLISHABLE_KEY_TITLE,
  REGION_COUNTRIES,
  REGION_NAME,
  SALES_CHANNEL_NAME,
  SHIPPING_OPTIONS,
  STOCK_LOCATION_NAME,
  STOCK_PER_VARIANT,
} from "../lib/catalog";

export default async function seed({ container }: ExecArgs) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER);
  const link = container.resolve(ContainerRegistrationKeys.LINK);
  const query = container.resolve(ContainerRegistrationKeys.QUERY);
  const storeModule = container.resolve(Modules.STORE);
  const salesChannelModule = container.resolve(Modules.SALES_CHANNEL);
  const regionModule = container.resolve(Modules.REGION);
  const taxModule = container.resolve(Modules.TAX);
  const stockLocationModule = container.resolve(Modules.STOCK_LOCATION);
  const fulfillmentModule = container.resolve(Modules.FULFILLMENT);
  const apiKeyModule = container.resolve(Modules.API_KEY);
  const productModule = container.resolve(Modules.PRODUCT);
  const created: string[] = [];

  // Sales channel and store currencies.
  let [salesChannel] = await salesChannelModule.listSalesChannels({ name: SALES_CHANNEL_NAME });
  if (!salesChannel) {
    const { result } = await createSalesChannelsWorkflow(container).run({
      input: { salesChannelsData: [{ name: SALES_CHANNEL_NAME }] },
    });
    salesChannel = result[0];
    created.push("sales channel");
  }
  if (!salesChannel) throw new Error("seed: no sales channel");

  const [store] = await storeModule.listStores({}, { relations: ["supported_currencies"] });
  if (!store) throw new Error("seed: Medusa has no store row (did db:migrate run?)");
  const currencies = new Set((store.supported_currencies ?? []).map((c) => c.currency_code));
  if (
    !currencies.has("eur") ||
    !currencies.has("usd") ||
    store.default_sales_channel_id !== salesChannel.id
  ) {
    await updateStoresWorkflow(container).run({
      input: {
        selector: { id: store.id },
        update: {
          supported_currencies: [
            { currency_code: "eur", is_default: true },
            { currency_code: "usd" },
          ],
          default_sales_channel_id: salesChannel.id,
        },
      },
    });
    created.push("store currencies");
  }

  // Region with its countries and the system payment provider.
  let [region] = await regionModule.listRegions({ name: REGION_NAME });
  if (!region) {
    const { result } = await createRegionsWorkflow(container).run({
      input: {
        regions: [
          {
            name: REGION_NAME,
            currency_code: "eur",
            countries: [...REGION_COUNTRIES],
            payment_providers: ["pp_system_default"],
          },
        ],
      },
    });
    region = result[0];
    created.push("region");
  }
  if (!region) throw new Error("seed: no region");

  // Tax regions, one per country that has none yet.
  const taxRegions = await taxModule.listTaxRegions({ country_code: [...REGION_COUNTRIES] });
  const taxed = new Set(taxRegions.map((t) => t.country_code));
  const missingTax = REGION_COUNTRIES.filter((c) => !taxed.has(c));
  if (missingTax.length > 0) {
    await createTaxRegionsWorkflow(container).run({
      input: missingTax.map((country_code) => ({ country_code, provider_id: "tp_system" })),
    });
    created.push(`tax regions ${missingTax.join(",")}`);
  }

  // Stock location, linked to the manual fulfillment provider.
  let [location] = await stockLocationModule.listStockLocations({ name: STOCK_LOCATION_NAME });
  if (!location) {
    const { result } = await createStockLocationsWorkflow(container).run({
      input: {
        locations: [
          {
            name: STOCK_LOCATION_NAME,
            address: { city: "Copenhagen", country_code: "DK", address_1: "" },
          },
        ],
      },
    });
    location = result[0];
    if (!location) throw new Error("seed: no stock location");
    await link.create({
      [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
      [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
    });
    created.push("stock location");
  }
  if (!location) throw new Error("seed: no stock location");
  if (store.default_location_id !== location.id) {
    await updateStoresWorkflow(container).run({
      input: { selector: { id: store.id }, update: { default_location_id: location.id } },
    });
  }

  // Shipping profile, fulfillment set with one service zone, shipping options.
  let [profile] = await fulfillmentModule.listShippingProfiles({ type: "default" });
  if (!profile) {
    const { result } = await createShippingProfilesWorkflow(container).run({
      input: { data: [{ name: "Default Shipping Profile", type: "default" }] },
    });
    profile = result[0];
    created.push("shipping profile");
  }
  if (!profile) throw new Error("seed: no shipping profile");

  let [fulfillmentSet] = await fulfillmentModule.listFulfillmentSets(
    { name: FULFILLMENT_SET_NAME },
    { relations: ["service_zones"] },
  );
  if (!fulfillmentSet) {
    fulfillmentSet = await fulfillmentModule.createFulfillmentSets({
      name: FULFILLMENT_SET_NAME,
      type: "shipping",
      service_zones: [
        {
          name: REGION_NAME,
          geo_zones: REGION_COUNTRIES.map((country_code) => ({
            country_code,
            type: "country" as const,
          })),
        },
      ],
    });
    await link.create({
      [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
      [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
    });
    fulfillmentSet = (
      await fulfillmentModule.listFulfillmentSets(
        { id: fulfillmentSet.id },
        { relations: ["service_zones"] },
      )
    )[0];
    created.push("fulfillment set");
  }
  const serviceZone = fulfillmentSet?.service_zones?.[0];
  if (!serviceZone) throw new Error("seed: fulfillment set has no service zone");

  const existingOptions = await fulfillmentModule.listShippingOptions({
    name: SHIPPING_OPTIONS.map((o) => o.name),
  });
  const haveOption = new Set(existingOptions.map((o) => o.name));
  const missingOptions = SHIPPING_OPTIONS.filter((o) => !haveOption.has(o.name));
  if (missingOptions.length > 0) {
    await createShippingOptionsWorkflow(container).run({
      input: missingOptions.map((o) => ({
        name: o.name,
        price_type: "flat" as const,
        provider_id: "manual_manual",
        service_zone_id: serviceZone.id,
        shipping_profile_id: profile.id,
        type: { label: o.label, description: o.description, code: o.code },
        prices: [
          { currency_code: "eur", amount: o.eur },
          { currency_code: "usd", amount: o.usd },
          { region_id: region.id, amount: o.eur },
        ],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" as const },
          { attribute: "is_return", value: "false", operator: "eq" as const },
        ],
      })),
    });
    created.push(`shipping options ${missingOptions.map((o) => o.name).join(",")}`);
  }

  // The sales channel sells from the location (checked through the link).
  const { data: channelLocations } = await query.graph({
    entity: "sales_channel",
    fields: ["id", "stock_locations.id"],
    filters: { id: salesChannel.id },
  });
  const linkedLocations = (channelLocations[0]?.stock_locations ?? []) as Array<{ id: string }>;
  if (!linkedLocations.some((l) => l?.id === location.id)) {
    await linkSalesChannelsToStockLocationWorkflow(container).run({
      input: { id: location.id, add: [salesChannel.id] },
    });
    created.push("sales channel ↔ stock location");
  }

  // Publishable key, found by its title at run time by the storefront too.
  let [apiKey] = await apiKeyModule.listApiKeys({
    title: PUBLISHABLE_KEY_TITLE,
    type: "publishable",
  });
  if (!apiKey) {
    // Medusa creates a "Default Publishable API Key" when none exists: adopt it
    // (under our title) rather than leave the store with two keys.
    const [adopted] = (
      await apiKeyModule.listApiKeys({ type: "publishable" }, { order: { created_at: "ASC" } })
    ).filter((k) => !k.revoked_at);
    if (adopted) {
      const { result } = await updateApiKeysWorkflow(container).run({
        input: { selector: { id: adopted.id }, update: { title: PUBLISHABLE_KEY_TITLE } },
      });
      apiKey = result[0];
      created.push(`publishable key (adopted "${adopted.title}")`);
    }
  }
  if (!apiKey) {
    const { result } = await createApiKeysWorkflow(container).run({
      input: { api_keys: [{ title: PUBLISHABLE_KEY_TITLE, type: "publishable", created_by: "" }] },
    });
    apiKey = result[0];
    created.push("publishable key");
  }
  if (!apiKey) throw new Error("seed: no publishable key");
  const { data: keyChannels } = await query.graph({
    entity: "api_key",
    fields: ["id", "sales_channels.id"],
    filters: { id: apiKey.id },
  });
  const keyLinked = (keyChannels[0]?.sales_channels ?? []) as Array<{ id: string }>;
  if (!keyLinked.some((c) => c?.id === salesChannel.id)) {
    await linkSalesChannelsToApiKeyWorkflow(container).run({
      input: { id: apiKey.id, add: [salesChannel.id] },
    });
    created.push("publishable key ↔ sales channel");
  }

  // Products, by handle.
  const existingProducts = await productModule.listProducts({
    handle: CATALOG.map((p) => p.handle),
  });
  const haveHandle = new Set(existingProducts.map((p) => p.handle));
  const missingProducts = CATALOG.filter((p) => !haveHandle.has(p.handle));
  if (missingProducts.length > 0) {
    await createProductsWorkflow(container).run({
      input: {
        products: missingProducts.map((p) => ({
          title: p.title,
          handle: p.handle,
          description: p.description,
          subtitle: p.subtitle,
          status: ProductStatus.PUBLISHED,
          shipping_profile_id: profile.id,
          weight: p.weight,
          thumbnail: p.thumbnail,
          images: p.thumbnail ? [{ url: p.thumbnail }] : [],
          options: [{ title: "Size", values: p.sizes.map((s) => s) }],
          variants: p.sizes.map((size) => ({
            title: size,
            sku: `${p.handle.toUpperCase()}-${size.replace(/\s+/g, "").toUpperCase()}`,
            options: { Size: size },
            manage_inventory: true,
            prices: [
              { amount: p.eur, currency_code: "eur" },
              { amount: p.usd, currency_code: "usd" },
            ],
          })),
          sales_channels: [{ id: salesChannel.id }],
        })),
      },
    });
    created.push(`products ${missingProducts.map((p) => p.handle).join(",")}`);
  }

  // Stock: an inventory level at the location for every item that has none.
  const { data: items } = await query.graph({
    entity: "inventory_item",
    fields: ["id", "location_levels.location_id"],
  });
  const unstocked = items.filter(
    (item) =>
      !((item.location_levels ?? []) as Array<{ location_id: string } | null>).some(
        (l) => l?.location_id === location.id,
      ),
  );
  if (unstocked.length > 0) {
    await createInventoryLevelsWorkflow(container).run({
      input: {
        inventory_levels: unstocked.map((item) => ({
          location_id: location.id,
          stocked_quantity: STOCK_PER_VARIANT,
          inventory_item_id: item.id,
        })),
      },
    });
    created.push(`${unstocked.length} inventory levels`);
  }

  logger.info(
    created.length > 0
      ? `storeplane seed: created ${created.join("; ")}`
      : "storeplane seed: nothing to do, everything already exists",
  );
}
