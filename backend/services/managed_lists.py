"""The managed lists returns work with: reasons (quality or not), defect tags and the
inspection checklists."""

from __future__ import annotations

from backend.domain import validation
from backend.domain.errors import DomainError, ErrorCode
from backend.persistence.models import Category, ChecklistItem, DefectTag, ReturnReason
from backend.persistence.transaction import transaction


def _names(name_zh: str, name_en: str) -> tuple[str, str]:
    return (
        validation.text(name_zh, "nameZh", max_length=validation.NAME_TEXT, required=True),
        validation.text(name_en, "nameEn", max_length=validation.NAME_TEXT, required=True),
    )


async def upsert_reason(
    *, code: str, name_zh: str, name_en: str, is_quality: bool, active: bool = True
) -> ReturnReason:
    """Create or change a reason by its code; reasons are retired (inactive), never deleted."""
    key = validation.code(code, "code")
    zh, en = _names(name_zh, name_en)
    async with transaction():
        reason, _ = await ReturnReason.get_or_create(
            code=key, defaults={"name_zh": zh, "name_en": en, "is_quality": is_quality}
        )
        reason.name_zh, reason.name_en = zh, en
        reason.is_quality, reason.active = is_quality, active
        await reason.save()
    return reason


async def upsert_defect_tag(
    *, code: str, name_zh: str, name_en: str, active: bool = True
) -> DefectTag:
    key = validation.code(code, "code")
    zh, en = _names(name_zh, name_en)
    async with transaction():
        tag, _ = await DefectTag.get_or_create(code=key, defaults={"name_zh": zh, "name_en": en})
        tag.name_zh, tag.name_en, tag.active = zh, en, active
        await tag.save()
    return tag


async def upsert_checklist_item(
    *,
    category_code: str,
    code: str,
    question_zh: str,
    question_en: str,
    position: int = 0,
    active: bool = True,
) -> ChecklistItem:
    """A question QC answers for a category's goods (blank category: for every category)."""
    key = validation.code(code, "code")
    zh = validation.text(question_zh, "questionZh", max_length=300, required=True)
    en = validation.text(question_en, "questionEn", max_length=300, required=True)
    if not 0 <= position <= 10_000:
        raise DomainError(ErrorCode.INVALID, "A position is between 0 and 10,000.", "position")
    async with transaction():
        category_id = None
        if category_code.strip():
            category = await Category.get_or_none(
                code=validation.code(category_code, "categoryCode")
            )
            if category is None:
                raise DomainError(ErrorCode.NOT_FOUND, "No such category.", "categoryCode")
            category_id = category.id
        item, _ = await ChecklistItem.get_or_create(
            category_id=category_id,
            code=key,
            defaults={"question_zh": zh, "question_en": en, "position": position},
        )
        item.question_zh, item.question_en = zh, en
        item.position, item.active = position, active
        await item.save()
    return item
