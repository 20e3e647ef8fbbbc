from datetime import date, time
from pathlib import Path

import pytest

from booking.clinic import ClinicConfigError, load_clinic


def test_demo_clinic_facts() -> None:
    c = load_clinic()
    assert c.name == "Maple Street Family Clinic"
    assert c.address == "120 Maple Street"
    assert c.insurance == ("Aetna", "Blue Cross", "Cigna", "UnitedHealthcare", "Medicare")
    assert "parking" in c.parking.lower()
    assert {v.name: v.minutes for v in c.visit_types} == {
        "checkup": 30,
        "sick visit": 15,
        "follow-up": 15,
        "vaccination": 15,
        "new patient": 45,
    }
    assert (c.copay_for("checkup"), c.copay_for("vaccination"), c.copay_for("new patient")) == (
        25,
        0,
        40,
    )
    assert c.record_calls is True
    monday, saturday, sunday = date(2026, 3, 2), date(2026, 3, 7), date(2026, 3, 8)
    mon_hours, sat_hours = c.hours_on(monday), c.hours_on(saturday)
    assert mon_hours is not None and mon_hours.opens == time(8, 0)
    assert sat_hours is not None and sat_hours.closes == time(12, 0)
    assert c.hours_on(sunday) is None
    assert c.hours_text() == ("Monday to Friday 8 AM to 5 PM, Saturday 9 AM to noon, closed Sunday")


@pytest.mark.parametrize(
    ("text", "provider_id"),
    [
        ("Patel", "patel"),
        ("Doctor Patel", "patel"),
        ("Ana Patel", "patel"),
        ("dr. patel", "patel"),
        ("Dr. Okafor", "okafor"),
        ("the pediatrician", "okafor"),
        ("Lee Chen", "chen"),
        ("Chen", "chen"),
        ("the nurse practitioner", "chen"),
        ("Doctor Smith", None),
        ("", None),
    ],
)
def test_find_provider(text: str, provider_id: str | None) -> None:
    found = load_clinic().find_provider(text)
    assert (found.id if found else None) == provider_id


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("checkup", "checkup"),
        ("a check-up", "checkup"),
        ("flu shot", "vaccination"),
        ("sick visit", "sick visit"),
        ("follow up", "follow-up"),
        ("I'm a new patient", "new patient"),
        ("new patient checkup", "new patient"),
        ("massage", None),
    ],
)
def test_find_visit_type(text: str, name: str | None) -> None:
    found = load_clinic().find_visit_type(text)
    assert (found.name if found else None) == name


def test_provider_names() -> None:
    c = load_clinic()
    assert c.provider("patel").display_name == "Dr. Ana Patel"
    assert c.provider("patel").spoken_name == "Doctor Patel"
    assert c.provider("chen").display_name == "Lee Chen, NP"


def test_bad_config_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "clinic.yaml"
    bad.write_text((Path(load_clinic().source or "").read_text()).replace("08:00-17:00", "8-5", 1))
    with pytest.raises(ClinicConfigError, match=r"hours\.monday"):
        load_clinic(bad)
    bad.write_text("name: x\n")
    with pytest.raises(ClinicConfigError, match="missing field 'hours'"):
        load_clinic(bad)
    with pytest.raises(ClinicConfigError, match="cannot read"):
        load_clinic(tmp_path / "missing.yaml")
