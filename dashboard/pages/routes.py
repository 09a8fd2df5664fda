"""Which page a path is, and the view defaults that page starts from.

Dash serves one layout function for every path; this module decides what that layout is
for ``/``, ``/embed``, ``/story/<slug>`` and ``/embed/story/<slug>``, so the server-side
layout and the permalink callback agree on the defaults of the page a URL opens.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from geo.errors import FrontlineError

__all__ = ["Page", "load_stories", "resolve"]

_STORY_PATH = re.compile(r"^(/embed)?/story/([^/]+)/?$")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    """A resolved page: its kind, its story (if any) and its default view parameters."""

    kind: str  # explorer | embed | story | missing
    embedded: bool = False
    story: object = None
    defaults: dict = field(default_factory=dict)


def load_stories(data) -> dict:
    """Every story in ``<data>/stories``, checked, by slug (loaded once per data version).

    A story that fails its checks is left out and logged: one broken file must not take
    the other stories or the explorer down.
    """

    def load():
        from geo.claims import load_claims
        from geo.stories import check_story

        claims = [c.id for c in load_claims(data.data_dir / "claims.yaml", data.regions)]
        stories = {}
        for path in sorted((data.data_dir / "stories").glob("*.yaml")):
            story, problems = check_story(path, data.gazetteer, data.regions, claims)
            if problems:
                log.error("story left out: %s", "; ".join(problems))
            else:
                stories[story.slug] = story
        return stories

    return data.derived(("stories",), load)


def story_defaults(story) -> dict:
    """The view a story opens with: its dates, regions and map position, its events only."""
    view = story.view
    out = {"from": str(view["from"]), "to": str(view["to"]), "datasets": "story"}
    if view.get("regions"):
        out["regions"] = ",".join(view["regions"])
    if view.get("layers"):
        out["layers"] = ",".join(view["layers"])
    centre = view.get("center") or {}
    if centre and view.get("zoom") is not None:
        out |= {"lat": str(centre["lat"]), "lon": str(centre["lon"]), "z": str(view["zoom"])}
    return out


def resolve(path: str, scope) -> Page:
    """The page for a URL path (query string excluded)."""
    path = path or "/"
    if path in ("/", ""):
        return Page("explorer")
    if path.rstrip("/") == "/embed":
        return Page("embed", embedded=True)
    match = _STORY_PATH.match(path)
    if match:
        slug = match.group(2)
        try:
            story = load_stories(scope.data).get(slug)
        except FrontlineError:
            story = None
        if story is not None:
            return Page("story", bool(match.group(1)), story, story_defaults(story))
    return Page("missing")
