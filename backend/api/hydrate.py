"""Build a page of API objects with the relations its query selects, in a few batches.

A list resolver hands its rows to a Hydrator; each selected relation (product, its
barcodes and category, bin, zone, warehouse, user) is loaded with one statement per kind
through the request's DataLoaders, and the nested objects are set as plain fields. So the
SQL count of a page does not grow with its size, and graphql-core resolves no per-row
awaitables: on a page of 100 stock levels, those were most of the request's CPU.
Relations the query does not select are not loaded, and stay unset.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode

from backend.api.auth.types import UserRef
from backend.api.catalogue.types import Category, Location, Product, Supplier, Warehouse, Zone
from backend.api.context import Info
from backend.api.loaders import Loaders


def selected_names(info: Info) -> set[str]:
    """Every field name selected below this field, at any depth (a cheap over-estimate).

    Walks graphql-core's syntax tree directly: building Strawberry's `selected_fields`
    tree cost more than the rest of a small mutation's resolver (bench profile).
    """
    raw = info._raw_info
    names: set[str] = set()
    seen_fragments: set[str] = set()

    def walk(selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            return
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                names.add(node.name.value)
                walk(node.selection_set)
            elif isinstance(node, InlineFragmentNode):
                walk(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = raw.fragments.get(name)
                if fragment is not None and name not in seen_fragments:
                    seen_fragments.add(name)
                    walk(fragment.selection_set)

    for field_node in raw.field_nodes:
        walk(field_node.selection_set)
    return names


def _unique(ids: Iterable[int | None]) -> list[int]:
    return [i for i in dict.fromkeys(ids) if i is not None]


class Hydrator:
    def __init__(self, info: Info, loaders: Loaders | None = None) -> None:
        self.loaders = loaders or info.context.loaders
        self.names = selected_names(info)

    def wants(self, *names: str) -> bool:
        return any(name in self.names for name in names)

    async def products(self, product_ids: Iterable[int]) -> dict[int, Product]:
        ids = _unique(product_ids)
        found = [p for p in await self.loaders.product.load_many(ids) if p is not None]
        barcodes: dict[int, list[str]] = {}
        if self.wants("barcodes"):
            barcodes = dict(zip(ids, await self.loaders.barcodes.load_many(ids), strict=True))
        categories: dict[int, Category] = {}
        if self.wants("category"):
            rows = await self.loaders.category.load_many(_unique(p.category_id for p in found))
            categories = {c.id: Category.from_model(c) for c in rows if c is not None}
        suppliers: dict[int, Supplier] = {}
        if self.wants("supplier"):
            rows_s = await self.loaders.supplier.load_many(_unique(p.supplier_id for p in found))
            suppliers = {s.id: Supplier.from_model(s) for s in rows_s if s is not None}
        return {
            p.id: Product.build(
                p,
                barcodes=barcodes.get(p.id, []),
                category=categories.get(p.category_id),
                supplier=suppliers.get(p.supplier_id) if p.supplier_id is not None else None,
            )
            for p in found
        }

    async def locations(self, location_ids: Iterable[int | None]) -> dict[int, Location]:
        ids = _unique(location_ids)
        found = [loc for loc in await self.loaders.location.load_many(ids) if loc is not None]
        zones: dict[int, Zone] = {}
        if self.wants("zone"):
            rows = await self.loaders.zone.load_many(_unique(loc.zone_id for loc in found))
            zones = {z.id: Zone.from_model(z) for z in rows if z is not None}
        warehouses: dict[int, Warehouse] = {}
        if self.wants("warehouse"):
            rows_w = await self.loaders.warehouse.load_many(
                _unique(loc.warehouse_id for loc in found)
            )
            warehouses = {w.id: Warehouse.from_model(w) for w in rows_w if w is not None}
        return {
            loc.id: Location.build(
                loc, zone=zones.get(loc.zone_id), warehouse=warehouses.get(loc.warehouse_id)
            )
            for loc in found
        }

    async def users(self, user_ids: Iterable[int]) -> dict[int, UserRef]:
        rows = await self.loaders.user.load_many(_unique(user_ids))
        return {u.id: UserRef.from_model(u) for u in rows if u is not None}
