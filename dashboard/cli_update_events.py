"""``frontline update events`` (the parser is in :mod:`dashboard.cli_update`)."""

from __future__ import annotations

from dashboard.cli import store_of

__all__ = ["cmd_update_events"]


def cmd_update_events(args, out) -> int:
    """Fetch new and revised events from UCDP or ACLED and store them as a dataset."""
    from geo.updates.events import update_events

    report = update_events(store_of(args), args.source, country=args.country,
                           since=args.since, name=args.name)  # fmt: skip
    if report.up_to_date:
        out.write(f"{report.source}: nothing new; dataset {report.dataset} has "
                  f"{_events(report)}\n")  # fmt: skip
        return 0
    out.write(
        f"{report.source}: {_count(report.fetched, 'row')} read, {report.valid:,d} valid, "
        f"{report.rejected:,d} rejected; {report.new:,d} new, {report.revised:,d} revised, "
        f"{report.unchanged:,d} unchanged. Dataset {report.dataset} has {_events(report)}.\n"
    )
    for line in report.read:
        out.write(f"  read {line}\n")
    if report.rejected:
        reasons = ", ".join(f"{k} {v:,d}" for k, v in sorted(report.rejected_by_reason.items()))
        out.write(f"  rejected: {reasons}; rows kept in {report.rejects_path}\n")
    return 0


def _events(report) -> str:
    """``7 events (2022-05-30 to 2024-05-18)``, or ``no events`` (never "None to None")."""
    if not report.total:
        return "no events"
    return f"{_count(report.total, 'event')} ({report.first} to {report.last})"


def _count(n: int, noun: str) -> str:
    return f"{n:,d} {noun}{'' if n == 1 else 's'}"
