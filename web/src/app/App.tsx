import { HomePage } from "../pages/HomePage.tsx";
import { PadErrorPage } from "../pages/PadErrorPage.tsx";
import { PadPage } from "../pages/PadPage.tsx";
import { usePathname } from "./navigation.ts";
import { parseRoute } from "./route.ts";

export function App() {
  const route = parseRoute(usePathname());
  switch (route.kind) {
    case "home":
      return <HomePage />;
    case "pad":
      // Keyed so that moving from one pad to another starts from a clean document.
      return <PadPage key={route.sessionId} sessionId={route.sessionId} />;
    case "not-found":
      return <PadErrorPage reason="not_found" subject="page" />;
  }
}
