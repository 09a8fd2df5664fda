"""A :class:`geo.query.Query` as a SQL ``WHERE`` clause with bound parameters.

This is the SQL twin of :meth:`geo.query.Query.mask`, kept in one place so the two can be
checked against each other (``tests/contract``). Every value travels as a bound parameter
(psycopg ``%(name)s``); only fixed SQL text and :class:`psycopg.sql.Identifier` are composed,
so no filter value can change the statement.

The semantics follow ``Query.mask`` exactly:

- dates are half-open, ``date_from <= date < date_to``;
- lists are exact matches, actors match ``actor1`` or ``actor2``; ``NULL`` matches nothing;
- ``precision`` keeps ``geo_precision <= precision``;
- ``bbox`` is inclusive on its edges (``&&`` on a point and a box), which also lets
  PostgreSQL use the GiST index on ``geom``;
- ``text`` is a case-insensitive substring of ``location`` or ``notes`` (``strpos``, not
  ``LIKE``, so ``%`` and ``_`` in the user's text are plain characters).
"""

from __future__ import annotations

from psycopg import sql

from geo.query import Query

__all__ = ["where_clause"]


def where_clause(query: Query | None) -> tuple[sql.Composable, dict]:
    """The ``WHERE`` condition and its parameters for ``query``.

    Parameters
    ----------
    query : the filters, or None for all events.

    Returns
    -------
    (condition, params) : a :class:`psycopg.sql.Composable` (``TRUE`` when nothing
        filters) and the dict of bound parameters it refers to.

    Examples
    --------
    >>> import datetime as dt
    >>> cond, params = where_clause(Query(date_from=dt.date(2024, 10, 1), types=("Battles",)))
    >>> sorted(params)
    ['date_from', 'types']
    """
    if query is None:
        return sql.SQL("TRUE"), {}
    parts: list[sql.Composable] = []
    params: dict = {}

    def add(clause: str, **values) -> None:
        parts.append(sql.SQL(clause))
        params.update(values)

    if query.date_from:
        add("date >= %(date_from)s", date_from=query.date_from)
    if query.date_to:
        add("date < %(date_to)s", date_to=query.date_to)
    for column, name, wanted in (
        ("dataset", "datasets", query.datasets),
        ("event_type", "types", query.types),
        ("admin1", "regions", query.regions),
    ):
        if wanted:
            parts.append(sql.SQL("{} = ANY(%({})s)").format(sql.Identifier(column), sql.SQL(name)))
            params[name] = list(wanted)
    if query.actors:
        add("(actor1 = ANY(%(actors)s) OR actor2 = ANY(%(actors)s))", actors=list(query.actors))
    if query.precision is not None:
        add("geo_precision <= %(precision)s", precision=int(query.precision))
    if query.bbox:
        west, south, east, north = (float(v) for v in query.bbox)
        add(
            "geom && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)",
            west=west, south=south, east=east, north=north,
        )  # fmt: skip
    if query.text:
        # The needle is lower-cased in Python, as Query.mask does; lower() in the database
        # (a UTF-8 database) does the same for the haystack.
        add(
            "(strpos(lower(coalesce(location, '')), %(text)s) > 0"
            " OR strpos(lower(coalesce(notes, '')), %(text)s) > 0)",
            text=query.text.lower(),
        )
    if not parts:
        return sql.SQL("TRUE"), {}
    return sql.SQL(" AND ").join(parts), params
