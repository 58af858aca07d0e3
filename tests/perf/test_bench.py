"""`make bench` never touches a database that holds anything, and a tiny run produces every figure."""
import json

import sqlalchemy as sa

from bench import run


def test_bench_refuses_a_database_that_already_holds_tables_and_leaves_it_intact(db, monkeypatch, tmp_path, capsys):
    url = db.engine.url.render_as_string(hide_password=False)
    if url in ("sqlite://", "sqlite:///:memory:"):  # the in-memory test database is private: use a file
        url = f"sqlite:///{tmp_path / 'real.db'}"
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE precious (id INTEGER PRIMARY KEY, note TEXT)"))
            conn.execute(sa.text("INSERT INTO precious (note) VALUES ('keep me')"))
    monkeypatch.setenv("BENCH_DATABASE_URL", url)
    monkeypatch.setenv("BENCH_RESULTS_DIR", str(tmp_path / "results"))
    tables_before = sorted(sa.inspect(sa.create_engine(url)).get_table_names())
    assert run.main(["--quick", "--no-http"]) == 2
    assert "refused" in capsys.readouterr().err
    assert sorted(sa.inspect(sa.create_engine(url)).get_table_names()) == tables_before
    assert not (tmp_path / "results").exists()


def test_a_tiny_bench_run_writes_every_in_process_figure(monkeypatch, tmp_path, app):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("BENCH_RESULTS_DIR", str(tmp_path))
    args = ["--firms", "60", "--clubs", "3", "--months", "4", "--governor-suppliers", "20", "--requests", "3",
            "--no-http"]
    assert run.main(args) == 0
    result = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert result["import"]["rows"] == 60 * 9 and result["import"]["rows_per_s"] > 0
    assert result["raw_rows_per_s"] > 0 and result["ladder"]["suppliers"] == 20
    assert set(result["pages"]) == {"dashboard", "kpi_page", "home"}
    assert result["close_other_clubs"]["count"] == 2 and result["programme"]["firms"] == 60
    assert any(row[0].startswith("import rows/s") and row[2] == ">= 20,000" for row in result["table"])
