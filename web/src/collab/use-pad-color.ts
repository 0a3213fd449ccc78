/** This user's color on one pad: the preferred color unless someone on the pad already has it. */
import { useEffect, useState } from "react";
import type { Awareness } from "y-protocols/awareness";
import { distinctColorOnPad } from "./distinct-color.ts";
import { USER_COLORS } from "./identity.ts";

export function usePadColor(
  awareness: Awareness | null,
  identity: { id: string; color: string },
): string {
  const [color, setColor] = useState(identity.color);

  useEffect(() => {
    if (!awareness) return;
    const self = { userId: identity.id, preferredColor: identity.color };
    const refresh = () => setColor(distinctColorOnPad(awareness, self, USER_COLORS));
    refresh();
    awareness.on("change", refresh);
    return () => awareness.off("change", refresh);
  }, [awareness, identity.id, identity.color]);

  return color;
}
