"""SQLModel tables, repositories, the engine factory and Alembic migrations."""
