"""Staff tables (prefix `staff_`). Created by the Alembic revision
booking/migrations/versions/s001_staff_tables.py; keep the two in step."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(40), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),  # staff|admin
    sa.Column("created_at", sa.DateTime, nullable=False),
)

sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    ),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)

api_tokens = sa.Table(
    "staff_api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("label", sa.String(80), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_used_at", sa.DateTime),
)

# Keys are "user:<name>" and "ip:<address>": an account and a client address lock separately.
login_failures = sa.Table(
    "staff_login_failures",
    metadata,
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("window_start", sa.DateTime, nullable=False),
    sa.Column("locked_until", sa.DateTime),
)

calendar_tokens = sa.Table(
    "staff_calendar_tokens",
    metadata,
    sa.Column("provider_id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

settings = sa.Table(
    "staff_settings",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# What the webhook sender last saw of each appointment, to turn snapshots into events.
webhook_seen = sa.Table(
    "staff_webhook_seen",
    metadata,
    sa.Column("appointment_id", sa.String(32), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
)

webhook_outbox = sa.Table(
    "staff_webhook_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False, index=True),
    sa.Column("delivered_at", sa.DateTime),
    sa.Column("last_error", sa.String(300)),
)
