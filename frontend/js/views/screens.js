// Which module draws each route. Modules load when first opened (the service worker has
// them all precached, so this costs nothing offline); each exports a default component.
//   task screens:  props { user }
//   ticket steps:  props { user, ticket, step, done, reload } (done() goes back to the ticket)
export const SCREENS = {
  arrivals: () => import("./arrivals.js"),
  queue: () => import("./queue.js"),
  outbox: () => import("./outbox-view.js"),
  stock: () => import("./stock.js"),
  transfer: () => import("./transfer.js"),
  refused: () => import("./refused.js"),
  undeliverable: () => import("./undeliverable.js"),
  dashboard: () => import("./dashboard.js"),
  corrective: () => import("./corrective.js"),
  "low-stock": () => import("./low-stock.js"),
};

export const STEPS = {
  approve: () => import("./application.js"),
  decline: () => import("./application.js"),
  receive: () => import("./casework.js"),
  unpack: () => import("./unpack.js"),
  "inspect-initial": () => import("./inspect.js"),
  "inspect-qc": () => import("./inspect.js"),
  accept: () => import("./decide.js"),
  reject: () => import("./decide.js"),
  "put-away": () => import("./put-away.js"),
  refund: () => import("./refund.js"),
  reship: () => import("./ship.js"),
  "return-to-customer": () => import("./ship.js"),
  "ship-replacement": () => import("./ship.js"),
  "swap-waybill": () => import("./swap-waybill.js"),
  replacement: () => import("./replacement.js"),
  link: () => import("./casework.js"),
  close: () => import("./casework.js"),
  hold: () => import("./casework.js"),
  resume: () => import("./casework.js"),
  cancel: () => import("./casework.js"),
  reopen: () => import("./casework.js"),
  note: () => import("./casework.js"),
  assign: () => import("./casework.js"),
  "follow-up-call": () => import("./follow-up.js"),
};

// The task buttons on the home screen, per role (the API checks each call on its own).
// Any staff user may own a corrective action (and mark it implemented): everyone has the list.
export const HOME_TASKS = {
  WAREHOUSE: ["arrivals", "stock", "transfer", "low-stock", "corrective"],
  LOGISTICS: ["arrivals", "refused", "undeliverable", "stock", "corrective"],
  QC: ["stock", "corrective"],
  CUSTOMER_SERVICE: ["stock", "corrective"],
  FINANCE: ["stock", "corrective"],
  SUPERVISOR: ["dashboard", "corrective", "low-stock", "stock"],
  CS_MANAGER: ["dashboard", "corrective", "low-stock", "stock"],
  CS_DIRECTOR: ["dashboard", "corrective", "stock"],
  ADMIN: ["arrivals", "refused", "undeliverable", "stock", "transfer", "dashboard", "corrective", "low-stock"],
};
