"""Guards, indexes and the standard inspection checklist for return tickets.

- ticket_event is append-only (the ticket's history is its archive, Art. 25.2);
- a line never dispositions or grades more than was received, nor receives more than
  applied for; refunds never exceed what is due;
- indexes on every ticket child's ticket_id (PostgreSQL does not index foreign keys).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

CHECKLIST = [
    ("PACKAGING", "外包装是否完好", "Is the outer packaging intact?"),
    ("TAGS", "吊牌、标签是否齐全", "Are the hang tags and labels attached?"),
    ("UNUSED", "是否无使用、洗涤痕迹", "Free of signs of wear or washing?"),
    ("ACCESSORIES", "配件、赠品是否齐全", "Are accessories and gifts complete?"),
    ("MATCHES_ORDER", "商品是否与订单一致", "Does the item match the order?"),
]

CHILDREN = [
    "return_line", "ticket_event", "inspection", "refund", "outbound_shipment",
    "inbound_waybill", "courier_claim", "ticket_note",
]

LINE_RULE = (
    "NEW.quantity_received < 0 OR NEW.quantity_received > NEW.quantity "
    "OR NEW.quantity_graded > NEW.quantity_received "
    "OR NEW.quantity_dispositioned > NEW.quantity_received "
    "OR NEW.quantity_refunded > NEW.quantity_received"
)
TICKET_RULE = "NEW.refunded < 0 OR (NEW.refund_due IS NOT NULL AND NEW.refunded > NEW.refund_due)"
# SQLite keeps Tortoise's decimals as text: compare them as numbers, not strings.
SQLITE_TICKET_RULE = (
    "CAST(NEW.refunded AS REAL) < 0 OR (NEW.refund_due IS NOT NULL"
    " AND CAST(NEW.refunded AS REAL) > CAST(NEW.refund_due AS REAL) + 0.000001)"
)

SQLITE = [
    """CREATE TRIGGER ticket_event_append_only_update BEFORE UPDATE ON ticket_event
    BEGIN SELECT RAISE(ABORT, 'ticket_event is append-only'); END""",
    """CREATE TRIGGER ticket_event_append_only_delete BEFORE DELETE ON ticket_event
    BEGIN SELECT RAISE(ABORT, 'ticket_event is append-only'); END""",
    f"""CREATE TRIGGER return_line_guard_insert BEFORE INSERT ON return_line WHEN {LINE_RULE}
    BEGIN SELECT RAISE(ABORT, 'return_line: quantities out of order'); END""",
    f"""CREATE TRIGGER return_line_guard_update BEFORE UPDATE ON return_line WHEN {LINE_RULE}
    BEGIN SELECT RAISE(ABORT, 'return_line: quantities out of order'); END""",
    f"""CREATE TRIGGER return_ticket_guard_update BEFORE UPDATE ON return_ticket
    WHEN {SQLITE_TICKET_RULE}
    BEGIN SELECT RAISE(ABORT, 'return_ticket: refunded beyond what is due'); END""",
]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION ticket_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'ticket_event is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ticket_event_append_only BEFORE UPDATE OR DELETE ON ticket_event
    FOR EACH ROW EXECUTE FUNCTION ticket_event_append_only()""",
    "ALTER TABLE return_line ADD CONSTRAINT return_line_quantities CHECK (NOT ("
    + LINE_RULE.replace("NEW.", "")
    + "))",
    "ALTER TABLE return_ticket ADD CONSTRAINT return_ticket_refunded CHECK (NOT ("
    + TICKET_RULE.replace("NEW.", "")
    + "))",
]

COMMON = [
    f"CREATE INDEX IF NOT EXISTS idx_{table}_ticket ON {table} (ticket_id)" for table in CHILDREN
] + [
    "CREATE INDEX IF NOT EXISTS idx_return_ticket_assignee ON return_ticket (assignee_id, status)",
    "CREATE INDEX IF NOT EXISTS idx_return_ticket_order ON return_ticket (order_id)",
    "CREATE INDEX IF NOT EXISTS idx_return_line_product ON return_line (product_id)",
]


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def add_guards(apps, schema_editor) -> None:
    statements = SQLITE if schema_editor.DIALECT == "sqlite" else POSTGRES
    for statement in statements + COMMON:
        await schema_editor.client.execute_query(statement)
    for position, (code, zh, en) in enumerate(CHECKLIST):
        await schema_editor.client.execute_query(
            "INSERT INTO checklist_item (category_id, code, question_zh, question_en, position,"
            f" active) VALUES (NULL, {_text(code)}, {_text(zh)}, {_text(en)}, {position}, TRUE)"
        )


class Migration(migrations.Migration):
    dependencies = [("models", "0005_returns_tickets")]

    operations = [ops.RunPython(add_guards)]
