"""Table definitions used by queries. The schema itself is created by Alembic revisions in
booking/migrations/versions; keep the two in step when adding a revision."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

providers = sa.Table(
    "providers",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("title", sa.String(20), nullable=False),
    sa.Column("specialty", sa.String(120), nullable=False),
)

patients = sa.Table(
    "patients",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_key", sa.String(200), nullable=False),
    sa.Column("date_of_birth", sa.Date, nullable=False),
    sa.Column("phone", sa.String(40)),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("name_key", "date_of_birth", name="uq_patients_name_dob"),
)

holds = sa.Table(
    "holds",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("provider_id", sa.String(32), sa.ForeignKey("providers.id"), nullable=False),
    sa.Column("visit_type", sa.String(40), nullable=False),
    sa.Column("start_at", sa.DateTime, nullable=False),
    sa.Column("end_at", sa.DateTime, nullable=False),
    sa.Column("session_id", sa.String(120), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # held|confirmed|released|expired
    sa.Column("appointment_id", sa.String(32)),
)

appointments = sa.Table(
    "appointments",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("provider_id", sa.String(32), sa.ForeignKey("providers.id"), nullable=False),
    sa.Column("visit_type", sa.String(40), nullable=False),
    sa.Column("start_at", sa.DateTime, nullable=False, index=True),
    sa.Column("end_at", sa.DateTime, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # patient|busy
    sa.Column("patient_id", sa.String(32), sa.ForeignKey("patients.id"), index=True),
    sa.Column("patient_name", sa.String(200), nullable=False),
    sa.Column("patient_dob", sa.Date),
    sa.Column("patient_phone", sa.String(40)),
    sa.Column("status", sa.String(16), nullable=False),  # confirmed|cancelled
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("cancelled_at", sa.DateTime),
    sa.Column("idempotency_key", sa.String(200), unique=True),
    sa.Column("hold_id", sa.String(32), unique=True),
    sa.Column("rescheduled_from", sa.String(32)),
)

# One row per provider per 15-minute cell that a live hold or an active appointment occupies.
# The primary key is what makes a double booking impossible, whatever races happen above it.
slot_claims = sa.Table(
    "slot_claims",
    metadata,
    sa.Column("provider_id", sa.String(32), sa.ForeignKey("providers.id"), primary_key=True),
    sa.Column("cell_start", sa.DateTime, primary_key=True),
    sa.Column("hold_id", sa.String(32), sa.ForeignKey("holds.id"), index=True),
    sa.Column("appointment_id", sa.String(32), sa.ForeignKey("appointments.id"), index=True),
    # Set for hold claims only: after this moment the claim is dead and may be deleted.
    sa.Column("expires_at", sa.DateTime, index=True),
    sa.CheckConstraint(
        "(hold_id IS NULL) <> (appointment_id IS NULL)", name="ck_slot_claims_one_owner"
    ),
)

call_records = sa.Table(
    "call_records",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("room", sa.String(200), nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False, index=True),
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

callback_requests = sa.Table(
    "callback_requests",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    sa.Column("caller_phone", sa.String(40)),
    sa.Column("name", sa.String(200)),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
)
