"""Every built-in field type: what it accepts, what it refuses (with the reason the user reads),
how it stores, shows and links a value."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.domain.dynamic_fields.drivers.base import ConfigError, StoredValue, like_pattern
from frontdesk.domain.dynamic_fields.drivers.registry import DRIVERS, driver_for
from frontdesk.domain.dynamic_fields.models import DynamicFieldValue


def _config(field_type: str, config: dict[str, Any]) -> dict[str, Any]:
    return driver_for(field_type).check_config(config)


def _round_trip(field_type: str, value: Any) -> Any:
    rows = [
        DynamicFieldValue(
            value_text=row.text, value_long=row.long, value_date=row.date, value_int=row.integer
        )
        for row in driver_for(field_type).to_rows(value)
    ]
    return driver_for(field_type).from_rows(rows)


def test_the_registry_lists_every_built_in_type() -> None:
    assert list(DRIVERS) == [
        "text",
        "textarea",
        "checkbox",
        "dropdown",
        "multiselect",
        "date",
        "datetime",
        "contact_with_data",
    ]


def test_text_applies_regex_rules_with_their_messages() -> None:
    driver = driver_for("text")
    config = _config("text", {"regex": [{"pattern": r"^\d{5}$", "error": "Five digits"}]})
    assert driver.parse(" 12345 ", config) == "12345"
    assert driver.parse("   ", config) is None
    with pytest.raises(ValueError, match=r"^Five digits$"):
        driver.parse("1234", config)
    with pytest.raises(ValueError, match="at most 255 characters"):
        driver.parse("x" * 256, {})
    with pytest.raises(ValueError, match="must be text"):
        driver.parse(12, {})
    assert _round_trip("text", "12345") == "12345"


def test_textarea_keeps_long_text_and_line_breaks() -> None:
    driver = driver_for("textarea")
    text = "line one\n" + "x" * 1000
    assert driver.parse(text, {}) == text
    assert driver.to_rows(text) == [StoredValue(text=text[:255], long=text)]
    assert _round_trip("textarea", text) == text


def test_checkbox_values() -> None:
    driver = driver_for("checkbox")
    assert [driver.parse(raw, {}) for raw in (True, False, 1, 0, "yes", "0")] == [
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    with pytest.raises(ValueError, match="must be true or false"):
        driver.parse("maybe", {})
    assert driver.parse_form([], {}) is False
    assert driver.parse_form(["1"], {}) is True
    assert driver.display(True, {}) == "Checked"
    assert _round_trip("checkbox", False) is False


def test_dropdown_and_multiselect_accept_only_their_keys() -> None:
    config = _config("dropdown", {"possible_values": {"g": "Gold", "s": "Silver", "b": "Bronze"}})
    dropdown, multiselect = driver_for("dropdown"), driver_for("multiselect")
    assert dropdown.parse("g", config) == "g"
    with pytest.raises(ValueError, match="'x' is not one of the field's values"):
        dropdown.parse("x", config)
    assert dropdown.display("s", config) == "Silver"
    assert multiselect.parse(["b", "g", "b"], config) == ["g", "b"]
    assert multiselect.display(["g", "b"], config) == "Gold, Bronze"
    assert _round_trip("multiselect", ["g", "b"]) == ["g", "b"]
    with pytest.raises(ValueError):
        multiselect.parse(["g", "platinum"], config)


def test_dates_parse_iso_and_refuse_the_rest() -> None:
    date, datetime = driver_for("date"), driver_for("datetime")
    assert date.parse("2026-02-28", {}) == "2026-02-28"
    for bad in ("2026-02-30", "28.02.2026", "2026-2-8", 20260228):
        with pytest.raises(ValueError):
            date.parse(bad, {})
    assert datetime.parse("2026-12-07T10:30:00+01:00", {}) == "2026-12-07T09:30:00.000Z"
    with pytest.raises(ValueError, match="needs a time zone"):
        datetime.parse("2026-12-07T10:30:00", {})
    assert _round_trip("date", "2026-02-28") == "2026-02-28"
    assert _round_trip("datetime", "2026-12-07T09:30:00.000Z") == "2026-12-07T09:30:00.000Z"


def test_configurations_are_checked() -> None:
    with pytest.raises(ConfigError) as caught:
        _config("dropdown", {"possible_values": {"a": ""}})
    assert caught.value.key == "possible_values"
    with pytest.raises(ConfigError) as caught:
        _config("text", {"default": "abc", "regex": [{"pattern": "^x", "error": "starts with x"}]})
    assert (caught.value.key, caught.value.message) == ("default", "starts with x")


def test_link_templates_quote_the_value() -> None:
    config = _config("text", {"link": "https://crm.example.com/find?q={value}"})
    assert driver_for("text").link("a&b c", config) == "https://crm.example.com/find?q=a%26b%20c"


def test_search_wildcards_find_sql_characters_literally() -> None:
    assert like_pattern("50%_off*") == "50\\%\\_off%"
    assert like_pattern("a\\b") == "a\\\\b"
