"""question clusters, answers, the clustering cursor, and the workspace gazetteer

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "question_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("centroid", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_url", sa.String(length=2000), nullable=True),
        sa.Column("answer_summary", sa.String(length=300), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("muted_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_question_clusters_team_id", "question_clusters", ["team_id"])
    op.create_index("ix_question_clusters_last_seen", "question_clusters", ["last_seen"])
    op.create_table(
        "question_posts",
        sa.Column("post_id", BIGINT, nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("is_repost", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["question_clusters.id"]),
        sa.PrimaryKeyConstraint("post_id"),
    )
    op.create_index(
        "ix_question_posts_team_created", "question_posts", ["team_id", "created_at"]
    )
    op.create_index(
        "ix_question_posts_cluster_created", "question_posts", ["cluster_id", "created_at"]
    )
    op.create_table(
        "question_cursors",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("through_post_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "key"),
    )
    op.create_index("ix_places_team_id", "places", ["team_id"])


def downgrade() -> None:
    op.drop_index("ix_places_team_id", table_name="places")
    op.drop_table("places")
    op.drop_table("question_cursors")
    op.drop_index("ix_question_posts_cluster_created", table_name="question_posts")
    op.drop_index("ix_question_posts_team_created", table_name="question_posts")
    op.drop_table("question_posts")
    op.drop_index("ix_question_clusters_last_seen", table_name="question_clusters")
    op.drop_index("ix_question_clusters_team_id", table_name="question_clusters")
    op.drop_table("question_clusters")
