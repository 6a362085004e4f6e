"""The vocabulary of places and stock movements (GLOSSARY.md)."""

from __future__ import annotations

from enum import StrEnum


class WarehouseKind(StrEnum):
    OWN = "OWN"
    CONSIGNMENT = "CONSIGNMENT"  # 委托保管: a third-party custodian holds our goods for a fee
    SUPPLIER_HELD = "SUPPLIER_HELD"  # 即时供应: the supplier holds the stock and ships on demand
    DISTRIBUTION_CENTER = "DISTRIBUTION_CENTER"  # 配送: a logistics base picks and delivers


class ZoneKind(StrEnum):
    RECEIVING = "RECEIVING"
    SELLABLE = "SELLABLE"  # 合格区
    PENDING = "PENDING"  # 待处理区: returns awaiting inspection
    DEFECTIVE = "DEFECTIVE"  # 不良区
    REWORK = "REWORK"  # 二次包装 / 返厂
    SCRAP = "SCRAP"  # 废品


class MovementKind(StrEnum):
    RECEIPT = "RECEIPT"  # 入库
    SHIPMENT = "SHIPMENT"  # 出库
    TRANSFER = "TRANSFER"  # 调库
    RETURN_TO_STOCK = "RETURN_TO_STOCK"  # 退库
    MOVE_TO_PENDING = "MOVE_TO_PENDING"
    MOVE_TO_DEFECTIVE = "MOVE_TO_DEFECTIVE"
    MOVE_TO_REWORK = "MOVE_TO_REWORK"
    MOVE_TO_SCRAP = "MOVE_TO_SCRAP"
    ADJUSTMENT = "ADJUSTMENT"  # 盘点调整
    CORRECTION = "CORRECTION"  # reverses an earlier movement, pointing at it


class SupplyMode(StrEnum):
    STOCKED = "STOCKED"
    JUST_IN_TIME = "JUST_IN_TIME"
