"""The sentence check: "Read" fills the fields from the sentence (geo.claimtext), and any
field then checks the claim they describe against the data (geo.claimcheck). Everything a
reader typed comes back as text, never as HTML."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dash import Input, Output, State, html, no_update

from dashboard import ids
from dashboard.i18n import t
from geo.errors import FrontlineError
from geo.territory import as_date

__all__ = ["claim_from_fields", "register", "result_view"]

_FIELDS = (
    ids.CHECK_MEASURE,
    ids.CHECK_VALUE,
    ids.CHECK_SIDE,
    ids.CHECK_REGION,
    ids.CHECK_PLACE,
    ids.CHECK_FROM,
    ids.CHECK_TO,
)


def _date(text: str | None, param: str) -> dt.date | None:
    """A date field: empty is None; anything else an ISO date (errors name the field)."""
    return as_date(text, param) if text else None


def _number(value) -> float | None:
    """The number field: "610", "1.234,5" or "1,234.5" (either language's format)."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return float(value)
    from geo.claimtext import read_number

    number, _ = read_number(str(value).strip(), None)
    if number is None:
        raise FrontlineError(f"number: expected a number such as 610 or 1.234,5, got {value!r}",
                             param="number")  # fmt: skip
    return number


def _shown(value: float | None) -> str:
    """A number for the field: whole numbers without ".0"."""
    if value is None:
        return ""
    return f"{value:g}" if value == int(value) else str(value)


def _parse(text: str, date: str | None, regions):
    from geo.claimtext import parse_claim

    return parse_claim(text or "", date=_date(date, "date"), regions=regions)


def claim_from_fields(text, date, measure, value, side, region, place, start, end, regions):
    """The claim the fields describe: the sentence as read, with every field a reader set
    in place of what was read (a ParsedClaim)."""
    if (text or "").strip():
        parsed = _parse(text, date, regions)
    else:  # fields filled in by hand: nothing was read, so nothing is a problem
        from geo.claimtext import ParsedClaim

        parsed = ParsedClaim(text="", anchor_date=_date(date, "date"))
    unit = "km" if measure == "distance" else "settlements" if measure == "settlements" else "km2"
    number = _number(value)
    return dataclasses.replace(
        parsed,
        measure=measure or parsed.measure,
        value=number,
        unit=unit,
        value_km2=number if unit == "km2" else None,
        side=side or parsed.side,
        region=region or None,
        place=(place or None) if measure == "distance" else None,
        period_start=_date(start, "from"),
        period_end=_date(end, "to"),
        # What a reader set in the fields is no longer a problem of the sentence; its
        # language and length still are.
        problems=tuple(
            p
            for p in parsed.problems
            if p["part"] not in ("measure", "number", "unit", "region", "period", "side")
        ),
    )


def result_view(check, lang: str) -> list:
    """The verdict and the figures it rests on, as text."""
    from dashboard.claimcheck_text import sentence_verdict

    return [html.P(sentence_verdict(check, lang), className="verdict", id="check-verdict")]


def register(app, rt) -> None:
    """Attach the two callbacks of the sentence check."""

    @app.callback(
        *[Output(i, "value") for i in _FIELDS],
        Output(ids.CHECK_NOTES, "children"),
        Input(ids.CHECK_READ, "n_clicks"),
        State(ids.CHECK_TEXT, "value"),
        State(ids.CHECK_DATE, "value"),
        State(ids.UI, "data"),
        prevent_initial_call=True,
    )
    def read(_clicks, text, date, ui):
        from dashboard.claimcheck_text import parsed_notes

        lang = (ui or {}).get("lang", "en")
        data = rt.scope(session=False).data
        try:
            parsed = _parse(text, date, data.regions)
        except FrontlineError as exc:
            return *(no_update,) * len(_FIELDS), [html.Li(str(exc))]
        notes = [html.Li(n) for n in parsed_notes(parsed, lang)]
        if parsed.measure is None and parsed.value is None:
            return *(no_update,) * len(_FIELDS), notes
        return (
            parsed.measure,
            # Areas in km² (a sentence in square miles is converted), so the field and the
            # check read the same number.
            _shown(parsed.value_km2 if parsed.value_km2 is not None else parsed.value),
            parsed.side or "russia",
            parsed.region or "",
            parsed.place or "",
            parsed.period_start.isoformat() if parsed.period_start else "",
            parsed.period_end.isoformat() if parsed.period_end else "",
            notes,
        )

    @app.callback(
        Output(ids.CHECK_RESULT, "children"),
        *[Input(i, "value") for i in _FIELDS],
        State(ids.CHECK_TEXT, "value"),
        State(ids.CHECK_DATE, "value"),
        State(ids.UI, "data"),
        prevent_initial_call=True,
    )
    def check(measure, value, side, region, place, start, end, text, date, ui):
        from geo.claimcheck import check_sentence

        lang = (ui or {}).get("lang", "en")
        if not measure or value in (None, "") or not start or not end:
            return html.P(t("check.incomplete", lang), className="note")
        data = rt.scope(session=False).data
        try:
            claim = claim_from_fields(
                text, date, measure, value, side, region, place, start, end, data.regions
            )
            return result_view(check_sentence(claim, data), lang)
        except FrontlineError as exc:
            return html.P(str(exc), className="note")
