"""Every UI string exists in English and German; the figure builders' keys are present."""

import re

import pytest

from dashboard.i18n import STRINGS, t

FIGURE_KEYS = [
    "type.Battles",
    "type.Explosions/Remote violence",
    "type.Violence against civilians",
    "type.Protests",
    "type.Riots",
    "type.Strategic developments",
    "type.other",
    "layer.russian_held",
    "layer.unknown_status",
    "layer.ua_held_in_russia",
    "layer.gained",
    "layer.lost",
    "events.region_level",
    "events.bins",
    "alerts.hours",
    "hover.date",
    "hover.fatalities",
    "hover.location",
    "hover.precision",
    "hover.count",
    "timeline.events",
    "timeline.km2",
    "timeline.net",
]


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_en_and_de_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == {"en", "de"}
    assert entry["en"].strip() and entry["de"].strip()
    assert set(re.findall(r"{(\w+)}", entry["en"])) == set(re.findall(r"{(\w+)}", entry["de"]))


@pytest.mark.parametrize("key", FIGURE_KEYS)
def test_figure_keys_present(key):
    assert key in STRINGS


def test_t_fills_values_and_falls_back_to_english():
    assert t("table.count", "de", n="1.234") == "1.234 Ereignisse"
    assert t("filters.from", "fr") == "From"
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_event_types_of_the_schema_have_strings():
    from geo.schema import EVENT_TYPES

    for name in EVENT_TYPES:
        assert f"type.{name}" in STRINGS
