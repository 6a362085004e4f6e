"""Domain enums exposed in the schema under their own names."""

import strawberry

from backend.domain.auth.roles import Role as _Role
from backend.domain.orders.rules import ShipmentStatus as _ShipmentStatus
from backend.domain.returns.policies import Payer as _Payer
from backend.domain.stock.kinds import MovementKind as _MovementKind
from backend.domain.stock.kinds import SupplyMode as _SupplyMode
from backend.domain.stock.kinds import WarehouseKind as _WarehouseKind
from backend.domain.stock.kinds import ZoneKind as _ZoneKind

Role = strawberry.enum(_Role)
MovementKind = strawberry.enum(_MovementKind)
SupplyMode = strawberry.enum(_SupplyMode)
WarehouseKind = strawberry.enum(_WarehouseKind)
ZoneKind = strawberry.enum(_ZoneKind)
ShipmentStatus = strawberry.enum(_ShipmentStatus)
Payer = strawberry.enum(_Payer, name="ShippingFeePayer")
