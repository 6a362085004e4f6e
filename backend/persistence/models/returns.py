from tortoise import fields, models


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
