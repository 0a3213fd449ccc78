import { defineConfig } from "drizzle-kit";

// Migrations are generated into the repo's top-level drizzle/ and applied at start-up.
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/src/db/schema.ts",
  out: "./drizzle",
});
