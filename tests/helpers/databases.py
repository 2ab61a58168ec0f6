"""A fresh database on a running PostgreSQL server, for each test that wants one."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def fresh_postgres_database(base_url: str) -> str:
    name = f"gym_live_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)
