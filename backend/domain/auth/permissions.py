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
