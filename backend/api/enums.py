"""Domain enums exposed in the schema under their own names."""

import strawberry

from backend.domain.auth.roles import Role as _Role
from backend.domain.inventory.kinds import AbcClass as _AbcClass
from backend.domain.orders.rules import ShipmentStatus as _ShipmentStatus
from backend.domain.returns import follow_up as _follow_up
from backend.domain.returns import kinds as _kinds
from backend.domain.returns import policies as _policies
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
ReturnKind = strawberry.enum(_kinds.ReturnKind)
ReturnSource = strawberry.enum(_kinds.ReturnSource)
TicketStatus = strawberry.enum(_kinds.TicketStatus)
TicketAction = strawberry.enum(_kinds.Action, name="TicketAction")
InspectionStage = strawberry.enum(_kinds.InspectionStage)
OutboundPurpose = strawberry.enum(_kinds.OutboundPurpose)
OutboundStatus = strawberry.enum(_kinds.OutboundStatus)
WaybillStatus = strawberry.enum(_kinds.WaybillStatus)
ClaimStatus = strawberry.enum(_kinds.ClaimStatus)
Decision = strawberry.enum(_kinds.Decision)
DeclineCode = strawberry.enum(_policies.DeclineCode)
Grade = strawberry.enum(_policies.Grade)
Responsibility = strawberry.enum(_policies.Responsibility)
FollowUpOutcome = strawberry.enum(_follow_up.FollowUpOutcome)
NewProblem = strawberry.enum(_follow_up.NewProblem)
AbcClass = strawberry.enum(_AbcClass)
