import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

// Loader and action types follow single fetch's serialization (Remix docs,
// "Single Fetch": enable the types with this augmentation).
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    remix({
      appDirectory: "app",
      buildDirectory: "build",
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        // The last two React Router v7 behaviours; opting in also silences the
        // notices Remix prints on every start. Loaders still return json(),
        // which single fetch unwraps, so the data the pages see is unchanged.
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
});
