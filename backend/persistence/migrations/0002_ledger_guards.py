"""Database-level guards for the stock ledger, as a second line behind the services.

- balances: on hand and reserved never negative, reserved never above on hand;
- reservations never negative; movements always move a positive quantity;
- stock_movement is append-only: UPDATE and DELETE are refused.

SQLite cannot add CHECK constraints to an existing table, so there triggers do the work.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

SQLITE = [
    """CREATE TRIGGER stock_balance_guard_insert BEFORE INSERT ON stock_balance
    WHEN NEW.on_hand < 0 OR NEW.reserved < 0 OR NEW.reserved > NEW.on_hand
    BEGIN SELECT RAISE(ABORT, 'stock_balance: on_hand >= reserved >= 0 violated'); END""",
    """CREATE TRIGGER stock_balance_guard_update BEFORE UPDATE ON stock_balance
    WHEN NEW.on_hand < 0 OR NEW.reserved < 0 OR NEW.reserved > NEW.on_hand
    BEGIN SELECT RAISE(ABORT, 'stock_balance: on_hand >= reserved >= 0 violated'); END""",
    """CREATE TRIGGER reservation_guard_insert BEFORE INSERT ON reservation
    WHEN NEW.quantity < 0
    BEGIN SELECT RAISE(ABORT, 'reservation: quantity >= 0 violated'); END""",
    """CREATE TRIGGER reservation_guard_update BEFORE UPDATE ON reservation
    WHEN NEW.quantity < 0
    BEGIN SELECT RAISE(ABORT, 'reservation: quantity >= 0 violated'); END""",
    """CREATE TRIGGER stock_movement_guard_insert BEFORE INSERT ON stock_movement
    WHEN NEW.quantity <= 0
    BEGIN SELECT RAISE(ABORT, 'stock_movement: quantity > 0 violated'); END""",
    """CREATE TRIGGER stock_movement_append_only_update BEFORE UPDATE ON stock_movement
    BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END""",
    """CREATE TRIGGER stock_movement_append_only_delete BEFORE DELETE ON stock_movement
    BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END""",
]

POSTGRES = [
    """ALTER TABLE stock_balance ADD CONSTRAINT stock_balance_within
    CHECK (on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand)""",
    "ALTER TABLE reservation ADD CONSTRAINT reservation_not_negative CHECK (quantity >= 0)",
    "ALTER TABLE stock_movement ADD CONSTRAINT stock_movement_positive CHECK (quantity > 0)",
    """CREATE OR REPLACE FUNCTION stock_movement_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'stock_movement is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE ON stock_movement
    FOR EACH ROW EXECUTE FUNCTION stock_movement_append_only()""",
]


async def add_guards(apps, schema_editor) -> None:
    statements = SQLITE if schema_editor.DIALECT == "sqlite" else POSTGRES
    for statement in statements:
        await schema_editor.client.execute_query(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [ops.RunPython(add_guards)]
