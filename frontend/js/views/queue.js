// My whole queue, oldest first: every ticket whose next step is this person's role. Finance
// sees the amount due on each line (its refund queue).
import { useEffect, useState } from "preact/hooks";
import { authLost } from "../act.js";
import { ApiError, follow, graphql } from "../api.js";
import { html } from "../html.js";
import { duration, t } from "../i18n.js";
import { ticketPath } from "../router.js";
import { Freshness, TaskScreen, money } from "./task.js";

const QUEUE = `query WholeQueue { myQueue(first: 100) { total tickets { number status kind ageSeconds customerName refundDue refunded shippingFee shippingFeePayer } } }`;
const CHANGED = "subscription { returnTicketChanged { number } }";
const CACHE = "queue:whole";

export default function Queue({ user }) {
  const [state, setState] = useState(() => {
    // `stale` only once a read failed: no "as of" line flashing up while the first read runs.
    try { return { ...JSON.parse(localStorage.getItem(CACHE)), stale: false }; } catch { return { stale: false }; }
  });
  useEffect(() => {
    const load = async () => {
      try {
        const data = await graphql(QUEUE);
        const fresh = { queue: data.myQueue, at: Date.now() };
        localStorage.setItem(CACHE, JSON.stringify(fresh));
        setState({ ...fresh, stale: false });
      } catch (e) {
        if (e instanceof ApiError && e.kind === "auth") authLost();
        setState((old) => ({ ...old, stale: true }));
      }
    };
    load();
    return follow(CHANGED, {}, load, 150);
  }, []);
  const { queue, at, stale } = state;
  const finance = user.role === "FINANCE";
  return html`
    <${TaskScreen} id="queue-screen" title=${t("home.myQueue")}>
      <${Freshness} at=${at} stale=${stale} />
      ${!queue ? html`<p class="loading">${t("app.loading")}</p>` : html`
        <section class="card"><h2>${t("home.queueCount", { count: queue.total })}</h2>
          <ul class="tickets">${queue.tickets.map((k) => html`
            <li key=${k.number} data-number=${k.number}>
              <a href=${`#/${ticketPath(k.number)}`} class="row-link">
                <span class="number">${k.number}</span>
                <span class="status">${t(`status.${k.status}`)}</span>
                <span class="age">${k.customerName} · ${t("home.age", { age: duration(k.ageSeconds) })}
                  ${finance && k.refundDue !== null && html` · <strong class="due">${t("refund.dueShort", { amount: money(Number(k.refundDue) - Number(k.refunded)) })}</strong>`}</span>
              </a>
            </li>`)}</ul>
        </section>`}
    <//>`;
}
