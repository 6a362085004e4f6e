// Reading one return ticket for the detail and step screens: everything a person needs in
// one query, kept in localStorage as the last known state (shown with its age when offline),
// and read again whenever the ticket changes (subscription) or the connection comes back.
import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError, follow, graphql } from "./api.js";
import { authLost } from "./act.js";

export const TICKET_FIELDS = `id number kind source remote status statusSince ageSeconds myActions
  customerName customerPhone details shippingFeePayer shippingFeePayerNote shippingFee
  refundDue refunded replacementReserved warehouseCode pendingLocationCode createdAt
  declineCode declineNote handoverCourierPerson handoverStaffPerson
  reason { code nameZh nameEn } order { number } assignee { username displayName }
  lines { id quantity unitPricePaid quantityReceived quantityGraded quantityDispositioned quantityRefunded
    wantedModel wantedStyle wantedColour wantedSize
    product { sku nameZh nameEn barcodes category { code nameZh nameEn } }
    wantedProduct { sku nameZh nameEn } }
  history { at actor { displayName } action fromStatus toStatus detail }
  inspections { id lineId stage quantity passed grade responsibility defectTags defectText
    checklist { code ok note } photos note inspector { displayName } at }
  refunds { amount paymentReference note issuedBy { displayName } at }
  shipments { purpose status waybill courier shippedAt orderNumber }
  inboundWaybills { waybill courier status arrivedAt replacedBy voidedAt }
  notes { text photos author { displayName } at }
  followUps { attempt reached outcome satisfaction feedback newProblem linkedTicketNumber caller { displayName } at }
  label { exchangeNeed exchangeNeedEn printUrl }`;

const TICKET_QUERY = `query Ticket($number: String!) { returnTicket(number: $number) { ${TICKET_FIELDS} } }`;
const CHANGED = "subscription Changed($id: ID) { returnTicketChanged(ticketId: $id) { number status } }";
const cacheKey = (number) => `ticket:${number}`;

function cached(number) {
  try { return JSON.parse(localStorage.getItem(cacheKey(number))); } catch { return null; }
}

// { ticket, at (ms of the last good read), stale (the last read failed: what shows is the
// cached ticket), missing, reload }
export function useTicket(number) {
  const [state, setState] = useState(() => {
    const saved = cached(number);
    return { ticket: saved?.ticket ?? null, at: saved?.at ?? 0, stale: false, missing: false };
  });
  const reload = useCallback(async () => {
    try {
      const data = await graphql(TICKET_QUERY, { number });
      const ticket = data.returnTicket;
      if (!ticket) { setState({ ticket: null, at: Date.now(), stale: false, missing: true }); return null; }
      const at = Date.now();
      try { localStorage.setItem(cacheKey(number), JSON.stringify({ ticket, at })); } catch { /* storage full: fine */ }
      setState({ ticket, at, stale: false, missing: false });
      return ticket;
    } catch (error) {
      if (error instanceof ApiError && error.kind === "auth") authLost();
      setState((old) => ({ ...old, stale: true }));
      return null;
    }
  }, [number]);

  const id = state.ticket?.id ?? null;
  useEffect(() => { reload(); }, [reload]);
  useEffect(() => (id ? follow(CHANGED, { id }, reload, 100) : undefined), [id, reload]);
  return { ...state, reload };
}
