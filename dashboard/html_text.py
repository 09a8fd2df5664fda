"""Dash ``html`` components written out as HTML text, for pages served without Dash's
renderer (the embed's first paint, :mod:`dashboard.poster`): the same panels the live page
builds, without the ~700 kB of JavaScript that draws them.

Only ``dash.html`` components (and strings, numbers, lists) are written; anything else
(a ``dcc.Graph``, a table) raises, so a panel that grows an interactive part cannot slip
into a page that cannot run it. Every text and attribute is escaped.
"""

from __future__ import annotations

from html import escape

from dash.development.base_component import Component

__all__ = ["to_html"]

#: Dash property names that are not the HTML attribute's name.
_ATTRS = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex"}
#: Elements with no end tag.
_VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr"}
#: Dash's own properties, not attributes.
_SKIP = {"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "loading_state",
         "key", "style", "setProps"}  # fmt: skip


def to_html(node) -> str:
    """``node`` (a component, a string, a number, a list of them or None) as HTML text."""
    if node is None or node is False:
        return ""
    if isinstance(node, str):
        return escape(node, quote=False)
    if isinstance(node, int | float):
        return escape(str(node), quote=False)
    if isinstance(node, list | tuple):
        return "".join(to_html(child) for child in node)
    if not isinstance(node, Component) or type(node).__module__.split(".")[:2] != ["dash", "html"]:
        raise TypeError(f"{type(node).__name__} cannot be written as static HTML")
    tag = type(node).__name__.lower()
    attrs = []
    # The component's given properties, "aria-*" and "data-*" ones included.
    for name, value in node.to_plotly_json()["props"].items():
        if name in _SKIP or value is None or value is False:
            continue
        attr = _ATTRS.get(name, name)
        attrs.append(attr if value is True else f'{attr}="{escape(str(value), quote=True)}"')
    style = getattr(node, "style", None)
    if style:
        css = ";".join(f"{_kebab(k)}:{v}" for k, v in style.items())
        attrs.append(f'style="{escape(css, quote=True)}"')
    head = f"<{tag}{''.join(' ' + a for a in attrs)}>"
    if tag in _VOID:
        return head
    return f"{head}{to_html(getattr(node, 'children', None))}</{tag}>"


def _kebab(name: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in name)
