from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

REASONS = [
    ("QUALITY_DEFECT", "商品质量问题", "Product defect", True),
    ("NOT_AS_DESCRIBED", "与描述不符", "Not as described", True),
    ("WRONG_ITEM_SENT", "发错商品", "Wrong item sent", True),
    ("DAMAGED_IN_TRANSIT", "运输破损", "Damaged in transit", True),
    ("WRONG_SIZE", "尺码不合适", "Wrong size", False),
    ("CHANGED_MIND", "不想要了", "Changed mind", False),
    ("ORDERED_BY_MISTAKE", "拍错了", "Ordered by mistake", False),
]
DEFECT_TAGS = [
    ("STAIN", "污渍", "Stain"),
    ("TEAR", "破损", "Tear or hole"),
    ("SEAM", "开线", "Open seam"),
    ("COLOUR_FADE", "褪色", "Colour fade"),
    ("MISSING_PART", "配件缺失", "Missing part"),
    ("PACKAGING", "包装破损", "Damaged packaging"),
    ("WORN", "已穿着使用", "Worn or used"),
]


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def add_defaults(apps, schema_editor) -> None:
    """The standard lists every install starts with; managed afterwards through the API."""
    for code, zh, en, quality in REASONS:
        await schema_editor.client.execute_query(
            "INSERT INTO return_reason (code, name_zh, name_en, is_quality, active) VALUES "
            f"({_text(code)}, {_text(zh)}, {_text(en)}, {'TRUE' if quality else 'FALSE'}, TRUE)"
        )
    for code, zh, en in DEFECT_TAGS:
        await schema_editor.client.execute_query(
            "INSERT INTO defect_tag (code, name_zh, name_en, active) VALUES "
            f"({_text(code)}, {_text(zh)}, {_text(en)}, TRUE)"
        )


class Migration(migrations.Migration):
    dependencies = [('models', '0003_orders_shipments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DefectTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('name_zh', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(max_length=200)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'defect_tag', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A managed defect cause (不良因素) that QC tags defective units with (Art. 13).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReturnReason',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('name_zh', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(max_length=200)),
                ('is_quality', fields.BooleanField()),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'return_reason', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A managed reason for a return or exchange. Quality reasons put shipping on us (Art. 24).'},
            bases=['Model'],
        ),
        ops.RunPython(add_defaults),
    ]
