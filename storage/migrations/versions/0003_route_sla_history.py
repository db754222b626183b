"""routes keep their history (removed_at) and have a response-time SLA (sla_minutes)

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("routes", sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "routes",
        sa.Column("sla_minutes", sa.Integer(), nullable=False, server_default="180"),
    )


def downgrade() -> None:
    with op.batch_alter_table("routes") as batch:
        batch.drop_column("sla_minutes")
        batch.drop_column("removed_at")
