// Draws the current route: home, a task screen or a ticket (detail or one step), loading
// the screen's module on first use.
import { useEffect, useState } from "preact/hooks";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { ticketPath, useRoute } from "../router.js";
import { useTicket } from "../tickets.js";
import { Home } from "./home.js";
import { SCREENS, STEPS } from "./screens.js";
import { Freshness, TaskScreen } from "./task.js";
import TicketDetail from "./ticket.js";

function useModule(load) {
  const [state, setState] = useState({ load: null, Component: null, failed: false });
  useEffect(() => {
    if (!load) return;
    let live = true;
    load().then(
      (module) => live && setState({ load, Component: module.default, failed: false }),
      () => live && setState({ load, Component: null, failed: true }),
    );
    return () => { live = false; };
  }, [load]);
  return state.load === load ? state : { Component: null, failed: false };
}

function Loading({ failed }) {
  return html`<p class="loading">${failed ? t("error.network") : t("app.loading")}</p>`;
}

function Step({ user, number, step }) {
  const { ticket, at, stale, missing, reload } = useTicket(number);
  const { Component, failed } = useModule(STEPS[step]);
  if (!STEPS[step]) return html`<${TaskScreen} id="step" title=${number}><p class="error">${t("error.unknownStep")}</p><//>`;
  if (missing) return html`<${TaskScreen} id="step" title=${number}><p class="error">${t("error.unknownTicket", { number })}</p><//>`;
  if (!ticket || !Component) return html`<${TaskScreen} id="step" title=${number}><${Loading} failed=${failed} /><//>`;
  // Back to the ticket in place of the finished step, so "back" does not reopen it.
  const done = () => location.replace(`#/${ticketPath(ticket.number)}`);
  return html`<${Freshness} at=${at} stale=${stale} /><${Component} user=${user} ticket=${ticket} step=${step} done=${done} reload=${reload} />`;
}

function Screen({ user, name, arg }) {
  const { Component, failed } = useModule(SCREENS[name]);
  if (!SCREENS[name]) return html`<${Home} user=${user} />`;
  if (!Component) return html`<${TaskScreen} id="screen" title=""><${Loading} failed=${failed} /><//>`;
  return html`<${Component} user=${user} arg=${arg} />`;
}

export function RouteView({ user }) {
  const route = useRoute();
  if (route.screen === "ticket") return html`<${TicketDetail} key=${route.number} user=${user} number=${route.number} />`;
  if (route.screen === "action") return html`<${Step} key=${`${route.number}/${route.action}`} user=${user} number=${route.number} step=${route.action} />`;
  if (route.screen === "home") return html`<${Home} user=${user} />`;
  return html`<${Screen} key=${route.screen} user=${user} name=${route.screen} arg=${route.arg} />`;
}
