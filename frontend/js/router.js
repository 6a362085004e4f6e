// Hash routes, so the handheld's back key walks back through the screens:
//   #/                         home              #/ticket/RT-…          ticket detail
//   #/ticket/RT-…/<action>     one step (an allowed TicketAction, lower-case with dashes)
//   #/<screen>                 a task screen (arrivals, stock, transfer, refused, …)
import { useEffect, useState } from "preact/hooks";

export function parse(hash = location.hash) {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "ticket" && parts[1]) return { screen: parts[2] ? "action" : "ticket", number: parts[1], action: parts[2] ?? null };
  const [screen = "home", ...rest] = parts;
  return { screen, arg: rest.join("/") || null };
}

export const go = (path) => { location.hash = path.startsWith("#") ? path : `#/${path}`; };
export const home = () => go("");
export const ticketPath = (number, action) => `ticket/${encodeURIComponent(number)}${action ? `/${actionSlug(action)}` : ""}`;
export const actionSlug = (action) => action.toLowerCase().replace(/_/g, "-");
export const actionName = (slug) => slug.toUpperCase().replace(/-/g, "_");

export function useRoute() {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const changed = () => setRoute(parse());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}
