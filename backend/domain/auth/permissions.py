"""The permission table: which role may run which operation.

Keys are the GraphQL root field names (queries, mutations, subscriptions). `PUBLIC`
operations need no sign-in. A test walks every root field of the schema against every
role and checks the API obeys exactly this table; a field missing here is refused to all.
Object-level rules (a partner sees only its own orders) live in the services.
"""

from __future__ import annotations

from backend.domain.auth.roles import EVERYONE, STAFF, Role

PUBLIC: frozenset[Role] = frozenset()  # marker: no sign-in needed

_ADMIN = frozenset({Role.ADMIN})
_FLOOR = frozenset({Role.ADMIN, Role.WAREHOUSE})
_SHIPPING = frozenset({Role.ADMIN, Role.WAREHOUSE, Role.LOGISTICS})
_LIST_MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.CS_MANAGER})
_CS = frozenset({Role.ADMIN, Role.CUSTOMER_SERVICE, Role.CS_MANAGER})
_ARRIVALS = frozenset({Role.ADMIN, Role.WAREHOUSE, Role.LOGISTICS})
_LOGISTICS = frozenset({Role.ADMIN, Role.LOGISTICS})
_FINANCE = frozenset({Role.ADMIN, Role.FINANCE})
_CASE_LEADS = frozenset(
    {Role.ADMIN, Role.CUSTOMER_SERVICE, Role.SUPERVISOR, Role.CS_MANAGER, Role.CS_DIRECTOR}
)
_MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.CS_MANAGER, Role.CS_DIRECTOR})
_SUPERVISORS = frozenset({Role.ADMIN, Role.SUPERVISOR})
_APPROVERS = frozenset({Role.ADMIN, Role.CS_MANAGER, Role.CS_DIRECTOR})
_RESERVING = frozenset({Role.ADMIN, Role.WAREHOUSE, Role.LOGISTICS, Role.CUSTOMER_SERVICE})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # session
    "login": PUBLIC,
    "logout": EVERYONE,
    "me": EVERYONE,
    "changePassword": STAFF,
    # users and partner keys
    "users": STAFF,
    "createUser": _ADMIN,
    "updateUser": _ADMIN,
    "apiKeys": _ADMIN,
    "createApiKey": _ADMIN,
    "revokeApiKey": _ADMIN,
    # catalogue and places
    "products": EVERYONE,
    "product": EVERYONE,
    "categories": EVERYONE,
    "warehouses": EVERYONE,
    "locations": STAFF,
    "scan": STAFF,
    # stock
    "stockLevels": EVERYONE,
    "stockMovements": STAFF,
    "reservations": STAFF,
    "ledgerCheck": _FLOOR,
    "receiveStock": _FLOOR,
    "transferStock": _FLOOR,
    "shipStock": _SHIPPING,
    "adjustStock": _FLOOR,
    "reserveStock": _RESERVING,
    "releaseStock": _RESERVING,
    "correctMovement": _ADMIN,
    "stockChanged": EVERYONE,
    # orders (partners see and change their own only)
    "orders": EVERYONE,
    "order": EVERYONE,
    "createOrder": frozenset({Role.ADMIN, Role.CUSTOMER_SERVICE, Role.PARTNER}),
    "recordShipment": _SHIPPING,
    "markDelivered": frozenset({Role.ADMIN, Role.LOGISTICS, Role.PARTNER}),
    # managed lists for returns (shop fronts need the reasons to file applications)
    "returnReasons": EVERYONE,
    "defectTags": STAFF,
    "upsertReturnReason": _LIST_MANAGERS,
    "upsertDefectTag": _LIST_MANAGERS,
    "upsertChecklistItem": _LIST_MANAGERS,
    # return tickets (partners see and touch their own only; roles per DESIGN.md)
    "returnTicket": EVERYONE,
    "returnTickets": EVERYONE,
    "myQueue": STAFF,
    "checklists": STAFF,
    "returnTicketChanged": EVERYONE,
    "inspectionRecorded": EVERYONE,
    "requestReturn": frozenset({Role.ADMIN, Role.CUSTOMER_SERVICE, Role.PARTNER}),
    "approveReturn": _CS,
    "declineReturn": _CS,
    "registerParcel": _ARRIVALS,
    "recordRefusedParcel": _LOGISTICS,
    "reportUndeliverable": _LOGISTICS,
    "reship": _LOGISTICS,
    "swapWaybill": _FINANCE,
    "unpackReturn": _FLOOR,
    "recordInspection": frozenset({Role.ADMIN, Role.WAREHOUSE, Role.QC}),
    "decideReturn": _CS,
    "putAwayReturn": _FLOOR,
    "issueRefund": _FINANCE,
    "createReplacementOrder": _CS,
    "shipReplacement": _SHIPPING,
    "returnToCustomer": _SHIPPING,
    "openCourierClaim": frozenset({Role.ADMIN, Role.LOGISTICS, Role.CUSTOMER_SERVICE}),
    "settleCourierClaim": _FINANCE,
    "assignTicket": _CASE_LEADS,
    "addTicketNote": STAFF,
    "holdTicket": _CASE_LEADS,
    "resumeTicket": _CASE_LEADS,
    "cancelTicket": frozenset({Role.ADMIN, Role.CUSTOMER_SERVICE, Role.CS_MANAGER, Role.PARTNER}),
    "reopenTicket": _MANAGERS,
    "closeTicket": frozenset({Role.ADMIN, Role.CUSTOMER_SERVICE, Role.LOGISTICS, Role.FINANCE}),
    "recordFollowUp": _CS,  # the follow-up call (Art. 25.1)
    "setShippingPayer": _CS,
    "linkExceptionParcel": _CS,
    # return analytics (Art. 25.2): the supervisors' figures; the money also for finance
    "returnAnalytics": _MANAGERS,
    "returnMoneyAnalytics": _MANAGERS | {Role.FINANCE},
    # corrective and preventive actions (Art. 25.3): which step is whose is checked per
    # action in domain/returns/corrective_actions.py (an owner may be any staff user)
    "correctiveActions": STAFF,
    "correctiveAction": STAFF,
    "proposeCorrectiveAction": _SUPERVISORS,
    "reviseCorrectiveAction": _SUPERVISORS,
    "approveCorrectiveAction": _APPROVERS,
    "sendBackCorrectiveAction": _APPROVERS,
    "markCorrectiveActionImplemented": STAFF,
    "verifyCorrectiveAction": _SUPERVISORS,
    # inventory modes (table 11-1): custody fees and stock value for finance and managers;
    # just-in-time supply: a partner acts only for the suppliers it is the partner account
    # of (checked in domain/inventory/supply.py and services/inventory/)
    "custodyFeeStatement": _MANAGERS | {Role.FINANCE},
    "stockValue": _MANAGERS | {Role.FINANCE},
    "supplierAvailability": EVERYONE,
    "setSupplierAvailability": frozenset({Role.ADMIN, Role.PARTNER}),
    "purchaseRequests": EVERYONE,
    "purchaseRequest": EVERYONE,
    "markPurchaseRequestShipped": frozenset({Role.ADMIN, Role.LOGISTICS, Role.PARTNER}),
    "cancelPurchaseRequest": frozenset({Role.ADMIN, Role.CUSTOMER_SERVICE}),
    # archive export of tickets (Art. 25.2); downloads: the requester or an admin, checked
    # in domain/returns/archive.py
    "requestTicketExport": _MANAGERS | {Role.FINANCE},
    "ticketExports": _MANAGERS | {Role.FINANCE},
    # reasonable stock levels: the warehouse and the supervisors set reorder policies; staff
    # see low stock and its alerts; the managers classify products ABC
    "reorderPolicies": STAFF,
    "lowStock": STAFF,
    "lowStockAlert": STAFF,
    "abcRuns": STAFF,
    "setReorderPolicy": frozenset({Role.ADMIN, Role.WAREHOUSE, Role.SUPERVISOR, Role.CS_MANAGER}),
    "classifyProducts": _MANAGERS,
}


def is_public(operation: str) -> bool:
    return PERMISSIONS.get(operation) is PUBLIC


def may(role: Role | None, operation: str) -> bool:
    allowed = PERMISSIONS.get(operation)
    if allowed is None:
        return False
    if allowed is PUBLIC:
        return True
    return role is not None and role in allowed
