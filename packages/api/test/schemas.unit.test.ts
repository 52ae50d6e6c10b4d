// The shared input schemas, as the dashboard's forms use them (no server).

import { storeUrls } from "@storeplane/db";
import { describe, expect, it } from "vitest";
import {
  createStoreInput,
  fieldErrorsOf,
  RESERVED_STORE_NAMES,
  signupInput,
  storeNameSchema,
} from "../src/schemas/index.ts";

describe("store name", () => {
  it.each(["abc", "my-shop", "shop1", "a1-b2-c3", `a${"b".repeat(39)}`])("accepts %s", (name) => {
    expect(storeNameSchema.safeParse(name).success).toBe(true);
  });

  it.each([
    ["ab", "must be 3–40 characters"],
    [`a${"b".repeat(40)}`, "must be 3–40 characters"],
    ["-abc", "must start with a lowercase letter"],
    ["9abc", "must start with a lowercase letter"],
    ["abc-", "must end with a lowercase letter or digit"],
    ["ABC", "may contain only lowercase letters, digits and '-'"],
    ["a.bc", "may contain only lowercase letters, digits and '-'"],
    ["a--b", "must not contain '--'"],
    ["www", "is reserved"],
    ["dashboard", "is reserved"],
  ])("refuses %s: %s", (name, rule) => {
    const result = storeNameSchema.safeParse(name);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(rule);
  });

  it("reserves the names the platform and Kubernetes use", () => {
    for (const name of [
      "admin",
      "api",
      "app",
      "www",
      "platform",
      "mail",
      "ftp",
      "localhost",
      "kube-system",
      "default",
      "store",
      "static",
      "assets",
      "auth",
      "status",
    ]) {
      expect(RESERVED_STORE_NAMES.has(name), name).toBe(true);
    }
  });
});

describe("forms", () => {
  it("reports field errors keyed by field, for the form to show beside each input", () => {
    const result = createStoreInput.safeParse({ name: "x", engine: "joomla" });
    expect(result.success).toBe(false);
    expect(fieldErrorsOf(result.error!)).toEqual({
      name: ["must be 3–40 characters"],
      engine: ["must be one of woocommerce, medusa"],
    });
  });

  it("reports one message per field: the first rule its value breaks", () => {
    // "Bad_Name" breaks two rules (characters, first letter); one message names the first.
    const bad = createStoreInput.safeParse({ name: "Bad_Name", engine: "medusa" });
    expect(fieldErrorsOf(bad.error!)).toEqual({
      name: ["may contain only lowercase letters, digits and '-'"],
    });
    const empty = createStoreInput.safeParse({ name: "", engine: "medusa" });
    expect(fieldErrorsOf(empty.error!).name).toHaveLength(1);
  });

  it("normalizes email and checks password length", () => {
    expect(signupInput.parse({ email: "  Ada@Example.TEST ", password: "0123456789" }).email).toBe(
      "ada@example.test",
    );
    const short = signupInput.safeParse({ email: "ada@example.test", password: "short" });
    expect(fieldErrorsOf(short.error!)).toEqual({ password: ["must be at least 10 characters"] });
    const missing = signupInput.safeParse({});
    expect(fieldErrorsOf(missing.error!)).toEqual({
      email: ["is required"],
      password: ["is required"],
    });
  });
});

describe("store URLs", () => {
  it("puts each store on its own host with the engine's admin path", () => {
    expect(
      storeUrls(
        { name: "shop", engine: "woocommerce" },
        { scheme: "http", baseDomain: "localhost" },
      ),
    ).toEqual({
      host: "shop.localhost",
      storeUrl: "http://shop.localhost",
      adminUrl: "http://shop.localhost/wp-admin/",
    });
    expect(
      storeUrls(
        { name: "m1", engine: "medusa" },
        { scheme: "https", baseDomain: "stores.example.com" },
      ),
    ).toEqual({
      host: "m1.stores.example.com",
      storeUrl: "https://m1.stores.example.com",
      adminUrl: "https://m1.stores.example.com/app",
    });
  });
});
