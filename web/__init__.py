"""The clinic web app: patient page, token endpoint, staff console (web/staff)."""
