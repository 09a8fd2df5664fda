"""Callback results as the plain JSON data Dash sends for them.

Dash encodes a response with orjson when every value in it is plain data or numpy; one
object in it (a ``Patch``, a component) makes Plotly's encoder first convert the whole
response, every array of a figure included, to lists: 23 ms instead of 4 ms for a patch
of 4,000 markers, ~3 ms for the panels. Results that carry such objects go out through
:func:`plain`; the bytes sent are the same.
"""

from __future__ import annotations

from dash import Patch
from dash.development.base_component import Component

__all__ = ["plain"]


def plain(value):
    """``value`` with every Dash component and Patch replaced by the dict Dash sends."""
    if isinstance(value, Patch):
        return value.to_plotly_json()
    if isinstance(value, Component):
        out = value.to_plotly_json()
        out["props"] = {k: plain(v) for k, v in out["props"].items()}
        return out
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
