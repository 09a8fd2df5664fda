"""Upstream sources: fetch and parse DeepStateMap, UCDP, ACLED and a user's own polygons.

Each module turns its source's payloads into Frontline's shapes (territory layers, or
native event rows that :func:`geo.ingest.read_events` maps and validates) and changes
nothing on disk: storing, locking and scheduling belong to the updater. Every request goes
through one polite client (:class:`~geo.sources.http.HttpClient`); every failure is a
:class:`~geo.sources.errors.SourceError` that names the source, where and what.

Modules: :mod:`~geo.sources.deepstate` (with :mod:`~geo.sources.deepstate_layers`),
:mod:`~geo.sources.ucdp` (with :mod:`~geo.sources.ucdp_release`), :mod:`~geo.sources.acled`,
:mod:`~geo.sources.polygons`.
"""

from geo.sources import acled, deepstate, polygons, ucdp
from geo.sources.deepstate import DailyVersion, Version, morning_versions, plan_days
from geo.sources.deepstate_layers import ClassifiedVersion, classify
from geo.sources.errors import ClassificationError, SourceError, redact
from geo.sources.http import USER_AGENT, Fetched, HttpClient, Response
from geo.sources.polygons import PolygonSeries, read_polygons
from geo.sources.urls import DEFAULT_URLS, resolve_base_url

__all__ = [
    "DEFAULT_URLS",
    "USER_AGENT",
    "ClassificationError",
    "ClassifiedVersion",
    "DailyVersion",
    "Fetched",
    "HttpClient",
    "PolygonSeries",
    "Response",
    "SourceError",
    "Version",
    "acled",
    "classify",
    "deepstate",
    "morning_versions",
    "plan_days",
    "polygons",
    "read_polygons",
    "redact",
    "resolve_base_url",
    "ucdp",
]
