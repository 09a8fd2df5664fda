"""Rejected rows as CSV text, safe to open in a spreadsheet.

A rejected row is, by definition, text nobody has checked: its ``value``, ``detail`` and
``raw`` may hold ``=HYPERLINK(...)`` or ``+cmd|...``. Every CSV Frontline writes
neutralises such cells the same way (:func:`geo.export.neutralise_formula`), exports and
rejects alike.
"""

from __future__ import annotations

import pandas as pd

from geo.export import neutralise_formula
from geo.schema import REJECT_COLUMNS

__all__ = ["rejects_csv"]


def rejects_csv(rejects: pd.DataFrame) -> str:
    """The rejects table as CSV text with formula-looking text cells neutralised.

    Every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading ``'``, exactly as exports do, in every column (``column``,
    ``value``, ``detail`` and ``raw`` included). The ``row`` numbers stay numbers. Missing
    values are empty cells; the header is :data:`geo.schema.REJECT_COLUMNS` followed by
    any further columns of ``rejects``.

    Parameters
    ----------
    rejects : the ``rejects`` of an :class:`~geo.ingest.IngestResult`

    Returns
    -------
    str
        UTF-8-ready CSV text with ``\\n`` line ends, quoted where a cell needs it.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"row": [3], "column": ["notes"], "value": ["=1+1"],
    ...                       "reason": ["bad_value"], "detail": ["x"], "raw": ["{}"]})
    >>> print(rejects_csv(table), end="")
    row,column,value,reason,detail,raw
    3,notes,'=1+1,bad_value,x,{}
    """
    columns = [c for c in REJECT_COLUMNS if c in rejects.columns]
    columns += [c for c in rejects.columns if c not in REJECT_COLUMNS]
    frame = pd.DataFrame(index=rejects.index)
    for name in columns:
        values = rejects[name]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            frame[name] = values
        else:
            frame[name] = [neutralise_formula(v) if isinstance(v, str) else v for v in values]
    return frame.to_csv(index=False, lineterminator="\n")
