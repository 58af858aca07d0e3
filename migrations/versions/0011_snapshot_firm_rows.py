"""snapshot_firms: one row per (snapshot, KPI, firm) with the firm's groups and ranks as columns

Revision ID: 0011_snapshot_firm_rows
Revises: 0010_audit_truncate

A firm is in about five peer groups (all, sector, size band, tier, country), and snapshot_firms held one
row per group: ~225,000 rows per close of a 5,000-firm club, each repeating the firm's value. Now one row
per (snapshot, KPI, firm) holds the value, the rank in "all" (`rank_all`) and, per dimension, the value of
the firm's group (`sector` = 'Castings' for group 'sector:Castings'; NULL: in no group of that dimension)
and its rank there (`rank_sector`, ...). Upgrade pivots the old rows in one GROUP BY; downgrade unpivots
them with a UNION ALL. Both go through a staging table, so the final table is created with the same
names of constraints and indexes as a fresh `flask db upgrade`. Downgrade also writes the snapshots'
frozen facts back in the older {"groups": {firm: [keys]}} format (the new code reads both).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_snapshot_firm_rows"
down_revision = "0010_audit_truncate"
branch_labels = None
depends_on = None

DIMENSIONS = ("sector", "size", "tier", "country")
STAGING = "snapshot_firms_0011"


def _common_columns() -> list[sa.Column]:
    return [sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("snapshot_id", sa.Integer(), nullable=False),
            sa.Column("kpi_code", sa.String(length=40), nullable=False)]


def _create_table(columns: list[sa.Column], unique: list[str]) -> None:
    op.create_table(
        "snapshot_firms", *columns,
        sa.ForeignKeyConstraint(["firm_id"], ["firms.id"], name=op.f("fk_snapshot_firms_firm_id_firms")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshots.id"], name=op.f("fk_snapshot_firms_snapshot_id_snapshots"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_firms")),
        sa.UniqueConstraint(*unique, name=op.f(f"uq_snapshot_firms_{'_'.join(unique)}")))
    with op.batch_alter_table("snapshot_firms", schema=None) as batch_op:
        batch_op.create_index("ix_snapshot_firms_snapshot_firm", ["snapshot_id", "firm_id"], unique=False)


def _refuse_unknown_groups() -> None:
    known = " AND ".join(f"substr(group_key, 1, {len(d) + 1}) <> '{d}:'" for d in DIMENSIONS)
    unknown = op.get_bind().execute(sa.text(
        f"SELECT DISTINCT group_key FROM snapshot_firms WHERE group_key <> 'all' AND {known}")).scalars().all()
    if unknown:
        raise RuntimeError(f"snapshot_firms holds groups of no known dimension, not converted: {unknown[:10]}")


def _pivot() -> str:
    parts = ["snapshot_id", "kpi_code", "firm_id", "MAX(value) AS value",
             "MAX(CASE WHEN group_key = 'all' THEN percentile_rank END) AS rank_all"]
    for dim in DIMENSIONS:
        is_dim = f"substr(group_key, 1, {len(dim) + 1}) = '{dim}:'"
        parts += [f"MAX(CASE WHEN {is_dim} THEN substr(group_key, {len(dim) + 2}) END) AS {dim}",
                  f"MAX(CASE WHEN {is_dim} THEN percentile_rank END) AS rank_{dim}"]
    return f"SELECT {', '.join(parts)} FROM snapshot_firms GROUP BY snapshot_id, kpi_code, firm_id"


def upgrade():
    _refuse_unknown_groups()
    op.execute(f"CREATE TABLE {STAGING} AS {_pivot()}")
    op.drop_table("snapshot_firms")
    columns = _common_columns() + [sa.Column("firm_id", sa.Integer(), nullable=False),
                                   sa.Column("value", sa.Float(), nullable=False),
                                   sa.Column("rank_all", sa.Integer(), nullable=True)]
    for dim in DIMENSIONS:
        columns += [sa.Column(dim, sa.String(length=120), nullable=True),
                    sa.Column(f"rank_{dim}", sa.Integer(), nullable=True)]
    _create_table(columns, ["snapshot_id", "kpi_code", "firm_id"])
    names = ", ".join(["snapshot_id", "kpi_code", "firm_id", "value", "rank_all"]
                      + [c for d in DIMENSIONS for c in (d, f"rank_{d}")])
    op.execute(f"INSERT INTO snapshot_firms ({names}) SELECT {names} FROM {STAGING} "
               "ORDER BY snapshot_id, kpi_code, firm_id")
    op.drop_table(STAGING)


def _unpivot() -> str:
    selects = ["SELECT snapshot_id, kpi_code, 'all' AS group_key, firm_id, value, rank_all AS percentile_rank "
               "FROM snapshot_firms"]
    selects += [f"SELECT snapshot_id, kpi_code, '{d}:' || {d}, firm_id, value, rank_{d} FROM snapshot_firms "
                f"WHERE {d} IS NOT NULL" for d in DIMENSIONS]
    return " UNION ALL ".join(selects)


def _frozen_groups_back() -> None:
    """Snapshots' frozen facts in the format the code before 0011 reads: {"groups": {firm: [keys]}}."""
    snapshots = sa.table("snapshots", sa.column("id", sa.Integer), sa.column("frozen", sa.JSON))
    conn = op.get_bind()
    for sid, frozen in conn.execute(sa.select(snapshots.c.id, snapshots.c.frozen)).all():
        if not frozen or "group_sets" not in frozen:
            continue
        sets = frozen.pop("group_sets")
        firms, of = frozen.pop("group_firms"), frozen.pop("group_of")
        frozen = {"groups": {str(f): sets[i] for f, i in zip(firms, of, strict=True)}, **frozen}
        conn.execute(sa.update(snapshots).where(snapshots.c.id == sid).values(frozen=frozen))


def downgrade():
    op.execute(f"CREATE TABLE {STAGING} AS {_unpivot()}")
    op.drop_table("snapshot_firms")
    columns = _common_columns() + [sa.Column("group_key", sa.String(length=120), nullable=False),
                                   sa.Column("firm_id", sa.Integer(), nullable=False),
                                   sa.Column("value", sa.Float(), nullable=False),
                                   sa.Column("percentile_rank", sa.Integer(), nullable=True)]
    _create_table(columns, ["snapshot_id", "kpi_code", "group_key", "firm_id"])
    names = "snapshot_id, kpi_code, group_key, firm_id, value, percentile_rank"
    op.execute(f"INSERT INTO snapshot_firms ({names}) SELECT * FROM {STAGING} ORDER BY snapshot_id, kpi_code, "
               "group_key, firm_id")
    op.drop_table(STAGING)
    _frozen_groups_back()
