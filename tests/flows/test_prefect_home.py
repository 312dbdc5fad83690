"""A new Prefect home's database: Prefect's migrations took 7-11 s of a first run; a new home
now starts from a template database, snapshotted from the first new home's server once it
answered (migrated, block types registered, nothing run)."""

from __future__ import annotations

import sqlite3

import flows.prefect_api as prefect_api
from flows.prefect_api import free_port, start_server, stop_process_group


def _query(database, sql: str) -> list[tuple]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def _rows(database) -> dict[str, int]:
    tables = [t for (t,) in _query(database, "select name from sqlite_master where type = "
                                             "'table'")]
    return {t: _query(database, f'select count(*) from "{t}"')[0][0] for t in tables}


def test_a_new_home_starts_from_the_template_made_by_the_first(tmp_path, monkeypatch):
    template = tmp_path / "share" / "prefect-test.db"
    monkeypatch.setattr(prefect_api, "template_database", lambda: template)
    stop_process_group(start_server(tmp_path / "first", "127.0.0.1", free_port()))
    made = _rows(template)
    assert made["alembic_version"] == 1 and made["block_type"] > 0
    assert made["flow_run"] == made["task_run"] == made["log"] == 0  # nothing run yet
    assert [p.name for p in template.parent.iterdir()] == [template.name]  # no staged copy

    stamp = template.stat().st_mtime_ns
    second = tmp_path / "second"
    stop_process_group(start_server(second, "127.0.0.1", free_port()))  # it answered
    assert template.stat().st_mtime_ns == stamp  # copied, not made again
    seeded = _rows(second / "prefect.db")
    query = "select version_num from alembic_version"
    assert _query(template, query) == _query(second / "prefect.db", query)
    assert seeded["block_type"] == made["block_type"]


def test_no_template_where_the_server_keeps_its_database_elsewhere(tmp_path, monkeypatch):
    template = tmp_path / "share" / "prefect-test.db"
    monkeypatch.setattr(prefect_api, "template_database", lambda: template)
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL",
                       f"sqlite+aiosqlite:///{tmp_path / 'elsewhere.db'}")
    stop_process_group(start_server(tmp_path / "home", "127.0.0.1", free_port()))
    assert (tmp_path / "elsewhere.db").exists() and not template.exists()
