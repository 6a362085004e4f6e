"""The managed lists returns work with: reasons (quality or not) and defect tags."""

from __future__ import annotations

from backend.domain import validation
from backend.persistence.models import DefectTag, ReturnReason
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
