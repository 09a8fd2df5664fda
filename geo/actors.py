"""One actor, many spellings: the alias table behind the actor filter.

Each dataset names the same side in its own way. UCDP names a state's side "Government of
X" (for Russia "Government of Russia (Soviet Union)"), and that side includes its armed
forces. ACLED splits a state into "Military Forces of X (period)", "Police Forces of X
(period)" and "Government of X (period)", where the period is the head of government's
time in office, and groups them all under its actor type "State Forces". Our stories name
the side that the article names ("Armed Forces of the Russian Federation", "Korean People's
Army"). :data:`ACTORS` groups these spellings under one canonical actor, so the filter
offers each side once.

The canonical labels are "<country> (state)":

- They name the country first, so the list sorts by country and reads at a glance.
- "(state)" says what the group holds: the government and its armed forces, air force,
  navy and police. That is UCDP's "Government of X" and ACLED's "State Forces" type. A
  label such as "Russian forces" would be wrong for the Kremlin receiving a minister
  ("Government of Russia"). A bare "Russia" would suggest that it also holds every group
  linked to Russia, which it does not.
- Groups that are not the state stay apart under their own names. Examples are the Wagner
  Group, ACLED's "Unidentified Armed Group (Russia)", Russian volunteer units fighting for
  Ukraine, and civilians. Merging them would be a judgement this table does not make.
- No label equals any dataset's spelling. A filter for a raw name (an old link,
  ``actors=Government of Ukraine``) therefore keeps its exact meaning, and only a canonical
  label widens to its aliases.

Names that the table does not know stay as they are: :func:`canonical` returns them
unchanged, so a user's own dataset's actors still appear in the filter, each under its own
name. Matching is exact (case and spaces included), because the filter matches raw values
with ``isin``. A spelling that differs in case or spacing must be added to the table as a
spelling of its own.

To add a spelling, add it under its actor with the dataset it was seen in. The tests check
that every actor name in the bundled events has one canonical actor. They also check that
no spelling is listed twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo.errors import FrontlineError

__all__ = ["ACTORS", "aliases", "canonical", "expand", "spellings"]

#: Canonical actor → the spellings grouped under it, each as ``(dataset, spelling)``.
#: Datasets: ``ucdp`` is UCDP GED (the bundled sample, ``data/events_ucdp.parquet``);
#: ``story`` is our stories (``data/stories/*.yaml``); ``acled`` is ACLED's actor names.
#: ACLED names marked "recorded" were seen in the recorded ACLED API and export payloads
#: (``../shared/data/recorded/acled``). The others were seen in public analyses of ACLED
#: exports.
ACTORS: dict[str, tuple[tuple[str, str], ...]] = {
    "Russia (state)": (
        ("ucdp", "Government of Russia (Soviet Union)"),
        ("story", "Government of Russia"),
        ("story", "Armed Forces of the Russian Federation"),
        ("acled", "Military Forces of Russia (2000-)"),  # recorded
        ("acled", "Military Forces of Russia (2000-) Air Force"),  # recorded
        ("acled", "Military Forces of Russia (2000-) National Guard - Special Purpose Police Unit"),
        ("acled", "Government of Russia (2000-)"),
        ("acled", "Police Forces of Russia (2000-)"),
    ),
    "Ukraine (state)": (
        ("ucdp", "Government of Ukraine"),
        ("story", "Armed Forces of Ukraine"),
        ("acled", "Military Forces of Ukraine (2019-)"),  # recorded
        ("acled", "Military Forces of Ukraine (2019-) Air Force"),  # recorded
        ("acled", "Military Forces of Ukraine (2019-) Navy"),
        ("acled", "Military Forces of Ukraine (2019-) Marines"),
    ),
    # The Korean People's Army is North Korea's armed forces (the story's name for the
    # troops sent to Kursk), so it belongs with the state, as Russia's armed forces do.
    "North Korea (state)": (
        ("story", "Government of North Korea"),
        ("story", "Korean People's Army"),
        ("acled", "Military Forces of North Korea (2011-)"),
    ),
    "South Korea (state)": (("story", "Government of South Korea"),),
    "Germany (state)": (("story", "Government of Germany"),),
}


def _index(table: dict[str, tuple[tuple[str, str], ...]]) -> dict[str, str]:
    """Spelling → canonical actor. A spelling under two actors, or a canonical label that is
    also a spelling, would make a filter ambiguous, so either one is an error here."""
    out: dict[str, str] = {}
    for actor, spellings_ in table.items():
        for _dataset, name in spellings_:
            if name in out and out[name] != actor:
                raise FrontlineError(
                    f"actor table: {name!r} is listed under both {out[name]!r} and {actor!r}",
                    param="ACTORS",
                )
            out[name] = actor
    clash = sorted(set(out) & set(table))
    if clash:
        raise FrontlineError(
            f"actor table: canonical labels that are also spellings: {clash}", param="ACTORS"
        )
    return out


_CANONICAL = _index(ACTORS)
_ALIASES = {
    actor: tuple(dict.fromkeys(name for _dataset, name in names)) for actor, names in ACTORS.items()
}


def canonical(name: str) -> str:
    """The canonical actor of a dataset's actor name.

    Parameters
    ----------
    name : an actor name as a dataset spells it (``actor1`` or ``actor2``).

    Returns
    -------
    str
        The canonical actor that :data:`ACTORS` lists ``name`` under. A name that the table
        does not know (and a canonical label) comes back unchanged.

    Examples
    --------
    >>> canonical("Government of Russia (Soviet Union)")
    'Russia (state)'
    >>> canonical("Military Forces of Ukraine (2019-)")
    'Ukraine (state)'
    >>> canonical("Wagner Group")
    'Wagner Group'
    """
    return _CANONICAL.get(name, name)


def aliases(actor: str) -> tuple[str, ...]:
    """Every spelling grouped under a canonical actor, in the table's order.

    Parameters
    ----------
    actor : a canonical actor (a key of :data:`ACTORS`).

    Returns
    -------
    tuple of str
        The datasets' spellings of ``actor``. A name that is not a canonical label is its
        own only alias: ``aliases("Civilians") == ("Civilians",)``. The same holds for a raw
        spelling such as ``"Government of Ukraine"``, which matches only itself.

    Examples
    --------
    >>> aliases("North Korea (state)")
    ('Government of North Korea', "Korean People's Army", 'Military Forces of North Korea (2011-)')
    """
    return _ALIASES.get(actor, (actor,))


def spellings(actor: str) -> tuple[tuple[str, str], ...]:
    """The ``(dataset, spelling)`` pairs of a canonical actor; empty for other names."""
    return ACTORS.get(actor, ())


def expand(names: Iterable[str]) -> tuple[str, ...]:
    """The raw actor names that a filter for ``names`` matches.

    Each name matches itself. A canonical label also matches all its aliases. The result
    can go straight to ``Series.isin``, so a filter needs one lookup per wanted name, not
    one per row.

    Parameters
    ----------
    names : the wanted actors (canonical labels, raw names, or both).

    Returns
    -------
    tuple of str
        The names and their aliases, each once, in order.

    Examples
    --------
    >>> expand(["Ukraine (state)", "Civilians"])[:3]
    ('Ukraine (state)', 'Government of Ukraine', 'Armed Forces of Ukraine')
    """
    out: dict[str, None] = {}
    for name in names:
        out[name] = None
        out.update(dict.fromkeys(_ALIASES.get(name, ())))
    return tuple(out)
