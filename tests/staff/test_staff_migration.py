"""The staff tables' Alembic revision sits on the single head of booking's migrations."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from booking.db import MIGRATIONS_DIR
from web.staff import tables


def test_one_head_and_staff_revision_in_history() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    heads = script.get_heads()
    assert len(heads) == 1, f"migrations branched: heads {heads}"
    history = {rev.revision for rev in script.walk_revisions()}
    assert "s001" in history


def test_revision_matches_table_definitions() -> None:
    source = (MIGRATIONS_DIR / "versions" / "s001_staff_tables.py").read_text()
    for table in tables.metadata.tables.values():
        assert f'"{table.name}"' in source
        for column in table.columns:
            assert f'"{column.name}"' in source, (table.name, column.name)
