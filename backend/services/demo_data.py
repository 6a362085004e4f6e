"""Demo data for `make run`: two warehouses (one a consignment custodian), every zone kind,
bins, about 50 products, customers with delivered orders, one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from backend.domain.auth.roles import Principal, Role
from backend.domain.stock.kinds import SupplyMode, WarehouseKind, ZoneKind
from backend.persistence.models import (
    Barcode,
    Category,
    Customer,
    Location,
    OrderLine,
    Partner,
    Product,
    PurchaseRequest,
    SalesOrder,
    StockBalance,
    Supplier,
    SupplierAvailability,
    User,
    Warehouse,
    Zone,
)
from backend.persistence.transaction import transaction
from backend.pubsub.base import PubSub
from backend.services import passwords
from backend.services.orders import (
    CreateOrder,
    OrderLineInput,
    RecordShipment,
    ShipmentLineInput,
    create_order,
    mark_delivered,
    record_shipment,
)
from backend.services.replenishment.policies import SetReorderPolicy, set_reorder_policy
from backend.services.stock.booking import receive_stock
from backend.services.stock.commands import ReceiveStock

DEMO_PASSWORDS = {role: f"{role.value.lower().replace('_', '-')}-demo-2026" for role in Role}

_CATEGORIES = [
    (
        "APPAREL",
        "服装",
        "Apparel",
        ["T恤", "衬衫", "卫衣", "外套"],
        ["T-shirt", "Shirt", "Hoodie", "Jacket"],
    ),
    ("SHOES", "鞋靴", "Shoes", ["跑鞋", "帆布鞋", "靴子"], ["Running shoe", "Canvas shoe", "Boot"]),
    ("BAGS", "箱包", "Bags", ["双肩包", "手提包"], ["Backpack", "Handbag"]),
    ("HOME", "家居", "Home", ["保温杯", "毛巾"], ["Vacuum flask", "Towel"]),
]
_COLOURS = [("黑色", "BLK"), ("白色", "WHT"), ("藏青", "NVY"), ("红色", "RED")]
_SIZES = ["S", "M", "L"]
_ZONES = [
    (ZoneKind.RECEIVING, "RCV", "收货区"),
    (ZoneKind.SELLABLE, "A", "合格区"),
    (ZoneKind.PENDING, "P", "待处理区"),
    (ZoneKind.DEFECTIVE, "D", "不良区"),
    (ZoneKind.REWORK, "RW", "二次包装区"),
    (ZoneKind.SCRAP, "X", "废品区"),
]


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    passwords: dict[Role, str]


async def seed_demo() -> DemoSummary:
    """Load the demo set once; a second call changes nothing."""
    if await Warehouse.exists(code="SH1"):
        return DemoSummary(created=False, passwords=DEMO_PASSWORDS)
    async with transaction():
        await _places()
        products = await _catalogue()
        partner = await Partner.create(code="SHOP", name="官方网店 Official web shop")
        await _users(partner)
        await _supplier_availability(partner)
        await _orders(partner, [p for p in products if p.supply_mode is SupplyMode.STOCKED])
    return DemoSummary(created=True, passwords=DEMO_PASSWORDS)


async def _places() -> None:
    own = await Warehouse.create(
        code="SH1", name="上海一号仓 Shanghai DC 1", kind=WarehouseKind.OWN, address="上海市嘉定区"
    )
    custody = await Warehouse.create(
        code="CG1",
        name="广州委托仓 Guangzhou consignment",
        kind=WarehouseKind.CONSIGNMENT,
        address="广州市白云区",
        custodian="顺达仓储 Shunda Storage",
        custody_fee_per_unit_day=Decimal("0.0500"),
    )
    for warehouse in (own, custody):
        for kind, code, name in _ZONES:
            zone = await Zone.create(warehouse=warehouse, code=code, kind=kind, name=name)
            for n in range(1, 5 if kind is ZoneKind.SELLABLE else 3):
                await Location.create(
                    code=f"{warehouse.code}-{code}-{n:02d}",
                    zone=zone,
                    warehouse=warehouse,
                    zone_kind=kind,
                    name=f"{name} {n:02d}",
                )


async def _catalogue() -> list[Product]:
    supplier = await Supplier.create(
        code="SUP-HZ", name="杭州织造 Hangzhou Weaving", contact="0571-8888"
    )
    products: list[Product] = []
    serial = 0
    for code, zh, en, models_zh, models_en in _CATEGORIES:
        category = await Category.create(code=code, name_zh=zh, name_en=en)
        for model_zh, model_en in zip(models_zh, models_en, strict=True):
            for colour_zh, colour_code in _COLOURS[:2]:
                for size in _SIZES[: 2 if code != "APPAREL" else 3]:
                    serial += 1
                    jit = serial % 10 == 0
                    product = await Product.create(
                        sku=f"{code[:3]}-{serial:03d}-{colour_code}-{size}",
                        name_zh=f"{model_zh} {colour_zh} {size}",
                        name_en=f"{model_en} {colour_code} {size}",
                        model=f"{code[:3]}{serial:03d}",
                        style=model_en,
                        colour=colour_zh,
                        size=size,
                        category=category,
                        unit_price=Decimal(59 + serial * 7) + Decimal("0.90"),
                        return_window_days=7 if code != "SHOES" else 15,
                        supply_mode=SupplyMode.JUST_IN_TIME if jit else SupplyMode.STOCKED,
                        supplier=supplier if jit else None,
                    )
                    await Barcode.create(code=f"69{serial:011d}", product=product)
                    products.append(product)
    return products


async def _users(partner: Partner) -> None:
    names = {
        Role.ADMIN: "系统管理员 Admin",
        Role.CUSTOMER_SERVICE: "客服 王芳",
        Role.WAREHOUSE: "仓管 李强",
        Role.QC: "质检 张敏",
        Role.LOGISTICS: "物流 陈刚",
        Role.FINANCE: "财务 刘洋",
        Role.SUPERVISOR: "售后主管 赵丽",
        Role.CS_MANAGER: "客服经理 孙伟",
        Role.CS_DIRECTOR: "客服总监 周静",
        Role.PARTNER: "网店系统 Shop system",
    }
    for role, display in names.items():
        await User.create(
            username=role.value.lower().replace("_", "-"),
            display_name=display,
            role=role,
            password_hash=passwords.hash_password(DEMO_PASSWORDS[role]),
            partner=partner if role is Role.PARTNER else None,
        )


async def _supplier_availability(partner: Partner) -> None:
    """The just-in-time supplier reports through the shop's partner account (user
    `partner`): 20 units of each of its products can ship now, none of the first."""
    supplier = await Supplier.get(code="SUP-HZ")
    supplier.partner_id = partner.id
    await supplier.save(update_fields=["partner_id"])
    reporter = await User.get(username="partner")
    products = await Product.filter(supplier_id=supplier.id).order_by("sku")
    for n, product in enumerate(products):
        await SupplierAvailability.create(
            supplier_id=supplier.id,
            product_id=product.id,
            available=0 if n == 0 else 20,
            updated_by_id=reporter.id,
            updated_at=datetime.now(UTC),
        )


async def _orders(partner: Partner, products: list[Product]) -> None:
    now = datetime.now(UTC)
    people = [
        ("陈晓", "13800000001", "上海市浦东新区世纪大道 100 号"),
        ("林娜", "13800000002", "北京市朝阳区建国路 88 号"),
        ("黄磊", "13800000003", "广州市天河区体育西路 1 号"),
        ("Emma Li", "13800000004", "杭州市西湖区文三路 20 号"),
    ]
    for i, (name, phone, address) in enumerate(people):
        customer = await Customer.create(name=name, phone=phone, address=address, partner=partner)
        for j, days_ago in enumerate((3, 30)):  # one inside, one outside a 7-day window
            placed = now - timedelta(days=days_ago + 2)
            order = await SalesOrder.create(
                number=f"SO-2026-{i * 2 + j + 1:05d}",
                partner=partner,
                customer=customer,
                placed_at=placed,
            )
            for product in products[i * 3 + j : i * 3 + j + 2]:
                await OrderLine.create(
                    order=order, product=product, quantity=1 + j, unit_price_paid=product.unit_price
                )


async def stock_demo_shelves(pubsub: PubSub) -> int:
    """Opening stock, booked through the ledger like any receipt (so balances = ledger),
    and reorder policies for the first products shelved in SH1 (some of them low)."""
    admin = await User.get(username="admin")
    actor = Principal(admin.id, admin.username, admin.role, None, None)
    bins = await Location.filter(zone_kind=ZoneKind.SELLABLE).order_by("code")
    products = await Product.filter(supply_mode=SupplyMode.STOCKED).order_by("id")
    for i, product in enumerate(products):
        place = bins[i % len(bins)]
        await receive_stock(
            pubsub,
            actor,
            ReceiveStock(
                idempotency_key=f"demo-opening-{product.sku}",
                sku=product.sku,
                location_code=place.code,
                quantity=10 + (i * 7) % 40,
                reference="OPENING",
                note="演示期初库存 demo opening stock",
            ),
        )
    await _reorder_policies(pubsub, actor)
    return len(products)


async def _reorder_policies(pubsub: PubSub, actor: Principal) -> None:
    """Reorder point 20, safety stock 15 for eight products on SH1's shelves: those with
    fewer than 20 available show in the low-stock list."""
    shelved = (
        await StockBalance.filter(location__code__startswith="SH1-A-")
        .order_by("product_id")
        .limit(8)
        .values_list("product__sku", flat=True)
    )
    for sku in shelved:
        await set_reorder_policy(
            pubsub,
            actor,
            SetReorderPolicy(
                idempotency_key=f"demo-policy-{sku}",
                sku=str(sku),
                warehouse_code="SH1",
                reorder_point=20,
                safety_stock=15,
            ),
        )


async def ship_demo_orders(pubsub: PubSub) -> int:
    """Ship and deliver the demo orders through the ledger, with waybills, in the past:
    one delivered 3 days ago (inside a 7-day return window), one 30 days ago (outside)."""
    logistics = await User.get(username="logistics")
    actor = Principal(logistics.id, logistics.username, logistics.role, None, None)
    shipped = 0
    for order in await SalesOrder.filter(number__startswith="SO-2026-").order_by("id"):
        lines = []
        for line in await OrderLine.filter(order_id=order.id).select_related("product"):
            source = (
                await StockBalance.filter(
                    product_id=line.product_id, location__zone_kind=ZoneKind.SELLABLE
                )
                .order_by("-on_hand")
                .first()
                .select_related("location")
            )
            assert source is not None, line.product.sku  # every stocked product has a shelf
            lines.append(ShipmentLineInput(line.product.sku, source.location.code, line.quantity))
        waybill = f"SF{order.number.removeprefix('SO-2026-')}{order.id:04d}"
        await record_shipment(
            pubsub,
            actor,
            RecordShipment(
                idempotency_key=f"demo-ship-{order.number}",
                order_number=order.number,
                waybill=waybill,
                courier="顺丰速运 SF Express",
                lines=lines,
                shipped_at=order.placed_at + timedelta(days=1),
            ),
        )
        await mark_delivered(actor, waybill, order.placed_at + timedelta(days=2))
        shipped += 1
    return shipped


async def order_demo_just_in_time(pubsub: PubSub) -> str:
    """A shop order for a just-in-time product, through createOrder: its purchase request
    to SUP-HZ is open, for the `partner` user to mark shipped. Answers its number."""
    shop = await User.get(username="partner")
    actor = Principal(shop.id, shop.username, shop.role, shop.partner_id, None)
    product = await Product.filter(supply_mode=SupplyMode.JUST_IN_TIME).order_by("sku").last()
    assert product is not None  # the demo catalogue has some
    answer = await create_order(
        pubsub,
        actor,
        CreateOrder(
            idempotency_key="demo-order-jit",
            number="SO-JIT-00001",
            customer_name="林娜",
            customer_phone="13800000002",
            customer_address="北京市朝阳区建国路 88 号",
            lines=[OrderLineInput(product.sku, 2, str(product.unit_price))],
        ),
    )
    request = await PurchaseRequest.get(order_id=answer.response["orderId"])
    return request.number
