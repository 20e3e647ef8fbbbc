"""Initial schema: providers, patients, holds, appointments, slot claims, calls, callbacks.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "providers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("title", sa.String(20), nullable=False),
        sa.Column("specialty", sa.String(120), nullable=False),
    )
    op.create_table(
        "patients",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
        sa.Column("phone", sa.String(40)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("name_key", "date_of_birth", name="uq_patients_name_dob"),
    )
    op.create_table(
        "holds",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("provider_id", sa.String(32), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("visit_type", sa.String(40), nullable=False),
        sa.Column("start_at", sa.DateTime, nullable=False),
        sa.Column("end_at", sa.DateTime, nullable=False),
        sa.Column("session_id", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("appointment_id", sa.String(32)),
    )
    op.create_index("ix_holds_session_id", "holds", ["session_id"])
    op.create_table(
        "appointments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("provider_id", sa.String(32), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("visit_type", sa.String(40), nullable=False),
        sa.Column("start_at", sa.DateTime, nullable=False),
        sa.Column("end_at", sa.DateTime, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("patient_id", sa.String(32), sa.ForeignKey("patients.id")),
        sa.Column("patient_name", sa.String(200), nullable=False),
        sa.Column("patient_dob", sa.Date),
        sa.Column("patient_phone", sa.String(40)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("cancelled_at", sa.DateTime),
        sa.Column("idempotency_key", sa.String(200), unique=True),
        sa.Column("hold_id", sa.String(32), unique=True),
        sa.Column("rescheduled_from", sa.String(32)),
    )
    op.create_index("ix_appointments_start_at", "appointments", ["start_at"])
    op.create_index("ix_appointments_patient_id", "appointments", ["patient_id"])
    op.create_table(
        "slot_claims",
        sa.Column("provider_id", sa.String(32), sa.ForeignKey("providers.id"), primary_key=True),
        sa.Column("cell_start", sa.DateTime, primary_key=True),
        sa.Column("hold_id", sa.String(32), sa.ForeignKey("holds.id")),
        sa.Column("appointment_id", sa.String(32), sa.ForeignKey("appointments.id")),
        sa.Column("expires_at", sa.DateTime),
        sa.CheckConstraint(
            "(hold_id IS NULL) <> (appointment_id IS NULL)", name="ck_slot_claims_one_owner"
        ),
    )
    op.create_index("ix_slot_claims_hold_id", "slot_claims", ["hold_id"])
    op.create_index("ix_slot_claims_appointment_id", "slot_claims", ["appointment_id"])
    op.create_index("ix_slot_claims_expires_at", "slot_claims", ["expires_at"])
    op.create_table(
        "call_records",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("room", sa.String(200), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("caller", sa.String(40)),
        sa.Column("transcript", sa.JSON, nullable=False),
        sa.Column("corrections", sa.JSON, nullable=False),
        sa.Column("tool_calls", sa.JSON, nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
        sa.Column("metrics", sa.JSON, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("recording_path", sa.String(500)),
    )
    op.create_index("ix_call_records_started_at", "call_records", ["started_at"])
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("caller_phone", sa.String(40)),
        sa.Column("name", sa.String(200)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_callback_requests_created_at", "callback_requests", ["created_at"])


def downgrade() -> None:
    for table in (
        "callback_requests",
        "call_records",
        "slot_claims",
        "appointments",
        "holds",
        "patients",
        "providers",
    ):
        op.drop_table(table)
