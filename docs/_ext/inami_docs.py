"""Pages written from the library itself when the documentation is built.

The value of every rule, the list of our assumptions, the reason codes with their
messages and the API reference all come from the package (``default_rules()``, the
message catalogues, ``__all__``), so that no value is ever written by hand twice. The
Sphinx extension (:func:`setup`) writes them to ``docs/_generated/`` before reading the
sources; the page functions return Markdown (MyST) text and are tested on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import inami_ppl
from inami_ppl import Confidence, RuleValue, default_rules
from inami_ppl.messages import LANGUAGES, REASON_CODES, render

GENERATED = Path(__file__).resolve().parent.parent / "_generated"

MARKS = {
    "SEED": "the founding documents (INAMI provider page, network leaflet)",
    "P": "another primary source (convention, INAMI/RIZIV or government page)",
    "S": "a secondary source (health-insurance fund, network, professional body, press)",
    "A": "our assumption where no source settles the point",
}
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
# Facts to show each reason code's message with (codes and ISO dates, as in a decision).
SAMPLE_PARAMS: dict[str, dict[str, str]] = {
    "age.network": {"age": "31", "network": "children_adolescents", "networks": "adults"},
    "network.switch": {
        "network": "adults",
        "other_network": "children_adolescents",
        "last_date": "2024-03-04",
        "frees_on": "2025-03-05",
    },
    "function.not_in_force": {
        "function": "first_line",
        "ruleset": "2024",
        "date": "2024-05-02",
    },
    "quota.exceeded": {
        "limit": "support_individual",
        "maximum": "8",
        "used": "8",
        "network": "adults",
        "frees_on": "2025-05-07",
    },
    "quota.combination": {
        "kind": "support/individual",
        "conflict": "treatment/individual",
        "frees_on": "2025-06-04",
    },
    "day.limit": {"date": "2024-05-02"},
    "assessment.missing": {"function": "treatment"},
    "video.first_in_person": {},
}
WHEN = {
    "age.network": "the patient's age does not allow the session's network on that date",
    "network.switch": "the other network was used in the window and is still open to the patient",
    "function.not_in_force": "the function does not exist in the rule set of that date",
    "quota.exceeded": "a maximum for the window would be exceeded",
    "quota.combination": "a combination of functions the rule set does not allow in one window",
    "day.limit": "a second session the same day, not with the context",
    "assessment.missing": "specialized / treatment care without a functional assessment",
    "video.first_in_person": "a video session before any in-person session",
}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _shown(value: RuleValue) -> str:
    shown = value.as_dict()["value"]
    if isinstance(shown, list):
        return ", ".join(f"`{item}`" for item in shown) or "(none)"
    if isinstance(shown, bool):
        return "yes" if shown else "no"
    return f"`{shown}`"


def _period(value: RuleValue) -> str:
    end = "open" if value.end is None else value.end.isoformat()
    return f"{value.start.isoformat()} to {end}"


def _source(value: RuleValue) -> str:
    url = value.source.url
    link = f"[{value.source.key}]({url})" if url.startswith("https://") else value.source.key
    note = f" {_cell(value.source.note)}" if value.source.note else ""
    return f"{link}{note}"


def _table(values: Iterable[RuleValue]) -> list[str]:
    lines = [
        "| value | is | valid | mark | source and note |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{v.name}` | {_shown(v)} | {_period(v)} | `{v.source.confidence.value}` "
        f"| {_source(v)} |"
        for v in values
    ]
    return lines


def _overlaps(value: RuleValue, start: dt.date, end: dt.date) -> bool:
    return value.start <= end and (value.end is None or value.end >= start)


def ruleset_values(ruleset_id: str) -> list[RuleValue]:
    """Every value of the bundled tables in force on some day of rule set ``ruleset_id``."""
    rules = default_rules()
    days = [rules.at(day) for day in rules.change_dates()]
    own = [r for r in days if r.id == ruleset_id]
    start, end = own[0].start, own[0].end
    return [v for v in rules.values() if _overlaps(v, start, end)]


def ruleset_page(ruleset_id: str) -> str:
    """The page listing every value of one rule set, with validity, mark and source."""
    values = ruleset_values(ruleset_id)
    ruleset = next(v for v in values if v.name == "ruleset")
    lines = [
        f"# Rule set {ruleset_id}: every value",
        "",
        f"Sessions dated {_period(ruleset)} are judged under rule set `{ruleset_id}`. This page "
        "is written from the bundled rule tables when the documentation is built: it lists every "
        "value that is in force on some day of the rule set, with the dates it is valid, its "
        "confidence mark and its source. Values that change within the rule set (fees, the free "
        "care for young people) appear once per period.",
        "",
        "Marks: " + "; ".join(f"`{mark}` {text}" for mark, text in MARKS.items()) + ".",
        "",
        *_table(values),
        "",
    ]
    return "\n".join(lines)


def assumptions_page() -> str:
    """The plain list of the values we had to assume (mark ``A``), with why."""
    values = [v for v in default_rules().values() if v.source.confidence is Confidence.ASSUMPTION]
    lines = [
        "# Our assumptions",
        "",
        "Where no source we could read settles a point, we chose a reading and marked the value "
        "`A`. They are data: a different reading is an override (`Rules.with_overrides`) or a "
        "change to the tables, never a change to the code. Judge them for yourself; the note of "
        "each says what we assumed and why. This list is written from the rule tables when the "
        "documentation is built.",
        "",
        *_table(values),
        "",
    ]
    return "\n".join(lines)


def reason_codes_page() -> str:
    """Every reason code with what it means and its message in the four languages."""
    lines = [
        "# Reason codes",
        "",
        "A refused decision lists every rule the session breaks, in the order below, each code "
        "once. The codes are stable; the messages come from the catalogues in "
        "`inami_ppl/messages/` (the caller picks the language with `Reason.message(lang)`). "
        "The messages below are rendered with example facts.",
        "",
    ]
    for code in REASON_CODES:
        lines += [f"## `{code}`", "", f"When: {WHEN[code]}.", ""]
        lines += ["| language | message |", "|---|---|"]
        lines += [
            f"| {LANGUAGE_NAMES[lang]} | {_cell(render(code, SAMPLE_PARAMS[code], lang))} |"
            for lang in LANGUAGES
        ]
        lines.append("")
    return "\n".join(lines)


# The modules documented beside the names of ``inami_ppl.__all__``.
MODULES = (
    "inami_ppl.claims",
    "inami_ppl.analytics",
    "inami_ppl.frames",
    "inami_ppl.plots",
    "inami_ppl.report",
    "inami_ppl.spark",
    "inami_ppl.cli",
)


def api_page() -> str:
    """The API reference (reStructuredText, which autodoc writes): every public name, then
    the claims, analytics, pandas and command modules."""
    title = "API reference"
    lines = [
        title,
        "=" * len(title),
        "",
        "Written from the docstrings. Everything in the first part is importable from "
        "``inami_ppl`` itself; the modules after it are imported by their own name.",
        "",
        "``inami_ppl``",
        "-------------",
        "",
    ]
    for name in sorted(inami_ppl.__all__, key=str.lower):
        if name == "__version__":
            continue
        obj: Any = getattr(inami_ppl, name)
        if isinstance(obj, type):
            lines += [f".. autoclass:: inami_ppl.{name}", "   :members:", ""]
        elif callable(obj):
            lines += [f".. autofunction:: inami_ppl.{name}", ""]
        else:
            lines += [f".. autodata:: inami_ppl.{name}", "   :no-value:", ""]
    for module in MODULES:
        heading = f"``{module}``"
        lines += [heading, "-" * len(heading), "", f".. automodule:: {module}", "   :members:", ""]
    return "\n".join(lines)


PAGES = {
    "values-2021.md": lambda: ruleset_page("2021"),
    "values-2024.md": lambda: ruleset_page("2024"),
    "assumptions.md": assumptions_page,
    "reason-codes.md": reason_codes_page,
    "api.rst": api_page,
}


def write_pages(folder: Path = GENERATED) -> list[Path]:
    """Write every generated page into ``folder`` (rewritten only when the text changed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, page in PAGES.items():
        path = folder / name
        text = page()
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
        written.append(path)
    return written


def _on_builder_inited(app: Any) -> None:  # noqa: ANN401  (Sphinx's application object)
    write_pages()


def setup(app: Any) -> dict[str, object]:  # noqa: ANN401  (Sphinx's application object)
    """Sphinx extension entry point: write the pages before the sources are read."""
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
