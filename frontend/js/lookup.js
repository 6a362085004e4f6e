// A scan that is not part of a step goes where its code belongs (the scan(code) query): a
// ticket, or a waybill's ticket, opens the ticket; a product or a bin opens the stock lookup;
// anything else is answered by `show(result)` on the screen that scanned it.
import { authLost, networkOrServer } from "./act.js";
import { ApiError, QUERIES, graphql } from "./api.js";
import { answer } from "./feedback.js";
import { t } from "./i18n.js";
import { go, ticketPath } from "./router.js";

let latest = 0;

export async function lookUp(code, show = () => {}) {
  const mine = ++latest;
  try {
    const found = (await graphql(QUERIES.scan, { code })).scan;
    if (mine !== latest) return; // a newer scan answered first
    if (found.kind === "UNKNOWN") {
      const message = t("error.unknownCode", { code });
      answer(false, message);
      show({ kind: "UNKNOWN", code, error: message });
      return;
    }
    const label = { PRODUCT: found.product?.sku, LOCATION: found.location?.code,
      WAYBILL: found.shipment?.waybill ?? found.code, TICKET: found.ticket?.number }[found.kind];
    answer(true, `${t("scan.ok")}\n${label}`);
    if (found.ticket) go(ticketPath(found.ticket.number));
    else if (found.kind === "PRODUCT" || found.kind === "LOCATION") go(`stock/${encodeURIComponent(found.code)}`);
    else show(found);
  } catch (e) {
    if (e instanceof ApiError && e.kind === "auth") { authLost(); return; }
    const message = networkOrServer(e);
    answer(false, message);
    show({ kind: "ERROR", code, error: message });
  }
}
