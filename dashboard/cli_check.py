"""``frontline check "SENTENCE"``: read a reported figure in German or English and set the
data's answer beside it (:mod:`geo.claimtext`, :mod:`geo.claimcheck`).

Exit status: 0 checked; 2 the sentence cannot be read (the message names the missing
part), is refused (too long, another language) or an option is bad.
"""

from __future__ import annotations

import json
import sys
import textwrap

from dashboard.cli import add_store_options, date_arg

__all__ = ["COMMANDS", "add_parser", "check_payload", "cmd_check"]


def add_parser(sub) -> None:
    """Add ``check`` to the ``frontline`` parser."""
    p = sub.add_parser(
        "check",
        help="check a reported figure: one sentence in German or English",
        description="Read one sentence of a report (ground gained or lost in km², "
        "settlements taken, or a distance to a place; a region; a period), compute the same "
        "figure from every loaded source of control polygons, for the region and for all of "
        "Ukraine, and say how far apart they are and why that may be. Exit 0 when checked, "
        "2 when the sentence cannot be read or is refused.",
    )
    p.add_argument("sentence", help="the sentence, at most 1,000 characters, in quotes")
    p.add_argument(
        "--date",
        type=date_arg("date"),
        default=None,
        help="the article's publication date, ISO (e.g. 2024-11-04); it anchors 'in October' "
        "and 'last week' (default: today)",
    )
    p.add_argument(
        "--lang",
        choices=["en", "de"],
        default=None,
        help="language of the answer (default: the sentence's)",
    )
    p.add_argument("--format", choices=["table", "json"], default="table")
    add_store_options(p)


def check_payload(text: str, data, date=None, lang: str | None = None) -> dict:
    """Parse and check ``text`` against ``data``: the JSON answer of the CLI and the API
    (``ok``, ``checked``, ``lang``, ``parsed``, ``fields``, ``check``, ``figures``,
    ``verdict``). ``lang`` is the answer's language; None: the sentence's."""
    from dashboard.claimcheck_text import figure_rows, parsed_fields, sentence_verdict
    from geo.claimcheck import check_sentence
    from geo.claimtext import parse_claim

    parsed = parse_claim(text, date=date, regions=data.regions)
    check = check_sentence(parsed, data)
    lang = lang or (parsed.lang if parsed.lang in ("en", "de") else "en")
    header, rows = figure_rows(check, lang)
    return {
        "ok": True,
        "checked": check.ok,
        "lang": lang,
        "parsed": parsed.as_record(),
        "fields": [list(row) for row in parsed_fields(parsed, lang, data.regions)],
        "check": check.as_record(),
        "figures": {"header": header, "rows": rows},
        "verdict": sentence_verdict(check, lang),
    }


def _table(payload: dict, out) -> None:
    lang = payload["lang"]
    heads = {"en": ("Sentence", "Read", "Figures", "Verdict"),
             "de": ("Satz", "Gelesen", "Zahlen", "Urteil")}[lang]  # fmt: skip
    wrap = textwrap.TextWrapper(width=96, initial_indent="  ", subsequent_indent="  ")
    sentence = _printable(payload["parsed"]["text"])
    out.write(f"{heads[0]}:\n{wrap.fill(sentence)}\n\n{heads[1]}:\n")
    width = max(len(label) for label, _ in payload["fields"])
    for label, value in payload["fields"]:
        out.write(f"  {label.ljust(width)}  {_printable(value)}\n")
    header, rows = payload["figures"]["header"], payload["figures"]["rows"]
    if rows:
        out.write(f"\n{heads[2]}:\n")
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
        numeric = [i >= 3 for i in range(len(header))]
        for i, row in enumerate([header, *rows]):
            cells = [str(c).rjust(w) if numeric[j] else str(c).ljust(w)
                     for j, (c, w) in enumerate(zip(row, widths, strict=True))]  # fmt: skip
            out.write("  " + "  ".join(cells).rstrip() + "\n")
            if i == 0:
                out.write("  " + "  ".join("-" * w for w in widths) + "\n")
    out.write(f"\n{heads[3]}:\n{wrap.fill(payload['verdict'])}\n")


def cmd_check(args, out) -> int:
    """``frontline check``: print what the sentence claims, the figures and the verdict."""
    from dashboard.cli import store_of

    data = store_of(args).current()
    payload = check_payload(args.sentence, data, args.date, args.lang)
    if args.format == "json":
        json.dump(payload, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        _table(payload, out)
    if payload["checked"]:
        return 0
    status = payload["check"]["status"]
    what = "refused" if status == "refused" else "cannot read the sentence"
    print(f"frontline check: {what}: {_problems(payload)}", file=sys.stderr)
    return 2


def _printable(text: str) -> str:
    # The sentence is the user's: no terminal control sequences from it reach the screen.
    return "".join(c if c.isprintable() else " " for c in text)


def _problems(payload: dict) -> str:
    from dashboard.claimcheck_text import problems_text

    # Error messages of the CLI are English, whatever the answer's language.
    return problems_text(payload["check"]["problems"], "en")


COMMANDS = {"check": cmd_check}
