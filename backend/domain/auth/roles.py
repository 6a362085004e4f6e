"""Who works with the system (DESIGN.md, 'Who uses it')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "ADMIN"
    CUSTOMER_SERVICE = "CUSTOMER_SERVICE"  # 客服部
    WAREHOUSE = "WAREHOUSE"  # 仓库管理员
    QC = "QC"  # 质检员
    LOGISTICS = "LOGISTICS"  # 物流跟单员
    FINANCE = "FINANCE"  # 财务部
    SUPERVISOR = "SUPERVISOR"  # 售后服务主管
    CS_MANAGER = "CS_MANAGER"  # 客服经理
    CS_DIRECTOR = "CS_DIRECTOR"  # 客服总监
    PARTNER = "PARTNER"  # shop front, ERP, courier system


STAFF = frozenset(Role) - {Role.PARTNER}
EVERYONE = frozenset(Role)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of one request or one WebSocket connection."""

    user_id: int
    username: str
    role: Role
    partner_id: int | None
    expires_at: datetime | None  # None for API keys, which live until revoked
    token_id: int | None = None
    api_key_id: int | None = None

    @property
    def is_partner(self) -> bool:
        return self.role is Role.PARTNER
