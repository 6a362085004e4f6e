from typing import TYPE_CHECKING

from tortoise import fields, models

if TYPE_CHECKING:
    from backend.persistence.models.catalogue import Category


class ReturnReason(models.Model):
    """A managed reason for a return or exchange. Quality reasons put shipping on us (Art. 24)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name_zh = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    is_quality = fields.BooleanField()
    active = fields.BooleanField(default=True)

    class Meta:
        table = "return_reason"


class DefectTag(models.Model):
    """A managed defect cause (不良因素) that QC tags defective units with (Art. 13)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name_zh = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "defect_tag"


class ChecklistItem(models.Model):
    """A question of a category's inspection checklist (质检标准). No category: asked for all."""

    id = fields.IntField(primary_key=True)
    category: fields.ForeignKeyNullableRelation["Category"] = fields.ForeignKeyField(
        "models.Category", related_name="checklist", null=True, on_delete=fields.RESTRICT
    )
    category_id: int | None
    code = fields.CharField(max_length=64)
    question_zh = fields.CharField(max_length=300)
    question_en = fields.CharField(max_length=300)
    position = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "checklist_item"
        unique_together = (("category", "code"),)
