"""Strawberry's name converter, remembering its answers.

Strawberry converts every input field's Python name to camelCase again on every request
while it turns the `input` argument into Python objects; on a receiveStock mutation that
conversion was a visible share of the GraphQL layer's time (bench profile). Schema names
are a small fixed set, so remembering them is safe.
"""

from __future__ import annotations

from strawberry.schema.name_converter import NameConverter


class RememberingNameConverter(NameConverter):
    def __init__(self, auto_camel_case: bool = True) -> None:
        super().__init__(auto_camel_case)
        self._known: dict[str, str] = {}

    def apply_naming_config(self, name: str) -> str:
        found = self._known.get(name)
        if found is None:
            found = self._known[name] = super().apply_naming_config(name)
        return found
