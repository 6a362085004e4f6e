"""Return reasons and defect tags: queries and the managers' upserts."""

from __future__ import annotations

import strawberry

from backend.api.context import Info
from backend.api.enums import Payer
from backend.api.errors import UserError, user_errors
from backend.api.permissions import gated
from backend.domain.errors import DomainError
from backend.domain.returns.policies import shipping_fee_payer
from backend.persistence import models
from backend.services import managed_lists


@strawberry.type
class ReturnReason:
    code: str
    name_zh: str
    name_en: str
    is_quality: bool = strawberry.field(description="A product-quality reason (Art. 24).")
    active: bool
    shipping_fee_payer: Payer  # type: ignore[valid-type]

    @classmethod
    def from_model(cls, m: models.ReturnReason) -> ReturnReason:
        return cls(
            code=m.code,
            name_zh=m.name_zh,
            name_en=m.name_en,
            is_quality=m.is_quality,
            active=m.active,
            shipping_fee_payer=shipping_fee_payer(m.is_quality),
        )


@strawberry.type
class DefectTag:
    code: str
    name_zh: str
    name_en: str
    active: bool

    @classmethod
    def from_model(cls, m: models.DefectTag) -> DefectTag:
        return cls(code=m.code, name_zh=m.name_zh, name_en=m.name_en, active=m.active)


@strawberry.type
class ChecklistQuestion:
    code: str
    question_zh: str
    question_en: str
    category_code: str | None = strawberry.field(description="None: asked for every category.")
    position: int
    active: bool


@strawberry.input
class UpsertChecklistItemInput:
    category_code: str = strawberry.field(
        default="", description="Blank: the question is asked for every category."
    )
    code: str
    question_zh: str
    question_en: str
    position: int = 0
    active: bool = True


@strawberry.type
class ChecklistItemPayload:
    item: ChecklistQuestion | None
    user_errors: list[UserError]


@strawberry.input
class UpsertReturnReasonInput:
    code: str
    name_zh: str
    name_en: str
    is_quality: bool
    active: bool = True


@strawberry.input
class UpsertDefectTagInput:
    code: str
    name_zh: str
    name_en: str
    active: bool = True


@strawberry.type
class ReturnReasonPayload:
    reason: ReturnReason | None
    user_errors: list[UserError]


@strawberry.type
class DefectTagPayload:
    tag: DefectTag | None
    user_errors: list[UserError]


@strawberry.type
class ListsQuery:
    @strawberry.field
    @gated
    async def return_reasons(
        self, info: Info, include_inactive: bool = False
    ) -> list[ReturnReason]:
        query = (
            models.ReturnReason.all()
            if include_inactive
            else models.ReturnReason.filter(active=True)
        )
        return [ReturnReason.from_model(r) for r in await query.order_by("code")]

    @strawberry.field
    @gated
    async def defect_tags(self, info: Info, include_inactive: bool = False) -> list[DefectTag]:
        query = models.DefectTag.all() if include_inactive else models.DefectTag.filter(active=True)
        return [DefectTag.from_model(t) for t in await query.order_by("code")]


@strawberry.type
class ListsMutation:
    @strawberry.mutation(
        description="Add or change a return reason (by code); retire it with active: false."
    )
    @gated
    async def upsert_return_reason(
        self, info: Info, input: UpsertReturnReasonInput
    ) -> ReturnReasonPayload:
        try:
            reason = await managed_lists.upsert_reason(
                code=input.code,
                name_zh=input.name_zh,
                name_en=input.name_en,
                is_quality=input.is_quality,
                active=input.active,
            )
        except DomainError as error:
            return ReturnReasonPayload(reason=None, user_errors=user_errors(error))
        return ReturnReasonPayload(reason=ReturnReason.from_model(reason), user_errors=[])

    @strawberry.mutation(description="Add or change a defect tag (by code).")
    @gated
    async def upsert_defect_tag(self, info: Info, input: UpsertDefectTagInput) -> DefectTagPayload:
        try:
            tag = await managed_lists.upsert_defect_tag(
                code=input.code, name_zh=input.name_zh, name_en=input.name_en, active=input.active
            )
        except DomainError as error:
            return DefectTagPayload(tag=None, user_errors=user_errors(error))
        return DefectTagPayload(tag=DefectTag.from_model(tag), user_errors=[])

    @strawberry.mutation(description="Add or change an inspection checklist question (by code).")
    @gated
    async def upsert_checklist_item(
        self, info: Info, input: UpsertChecklistItemInput
    ) -> ChecklistItemPayload:
        try:
            item = await managed_lists.upsert_checklist_item(
                category_code=input.category_code,
                code=input.code,
                question_zh=input.question_zh,
                question_en=input.question_en,
                position=input.position,
                active=input.active,
            )
        except DomainError as error:
            return ChecklistItemPayload(item=None, user_errors=user_errors(error))
        return ChecklistItemPayload(
            item=ChecklistQuestion(
                code=item.code,
                question_zh=item.question_zh,
                question_en=item.question_en,
                category_code=input.category_code.strip() or None,
                position=item.position,
                active=item.active,
            ),
            user_errors=[],
        )
