"""Pages written from the library itself when the documentation is built.

The value of every rule, the list of our assumptions, the sources, the reason codes
with their messages and the API reference all come from the package
(``default_rules()``, the message catalogues, ``__all__``), so that no value is ever
written by hand twice. The
Sphinx extension (:func:`setup`) writes them to ``docs/_generated/`` before reading the
sources; the page functions return Markdown (MyST) text and are tested on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import inami_ppl
from inami_ppl import REASON_CODES, Confidence, RuleValue, ShareCode, default_rules
from inami_ppl.messages import LANGUAGES, render

GENERATED = Path(__file__).resolve().parent.parent / "_generated"

MARKS = {
    "SEED": "the founding documents (INAMI provider page, network leaflet)",
    "P": "another primary source (convention, INAMI/RIZIV or government page)",
    "S": "a secondary source (health-insurance fund, network, professional body, press)",
    "A": "our assumption where no source settles the point",
}
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
# Facts to show each code's message with (with their types, as in a decision).
SAMPLE_PARAMS: dict[str, dict[str, Any]] = {
    "age.network": {"age": 31, "network": "children_adolescents", "networks": "adults"},
    "network.switch": {
        "network": "adults",
        "other_network": "children_adolescents",
        "last_date": dt.date(2024, 3, 4),
        "frees_on": dt.date(2025, 3, 5),
        "window": "trailing/12",
    },
    "function.not_in_force": {
        "function": "first_line",
        "ruleset": "2024",
        "date": dt.date(2024, 5, 2),
    },
    "quota.exceeded": {
        "limit": "support_individual",
        "maximum": 8,
        "used": 8,
        "network": "adults",
        "frees_on": dt.date(2025, 5, 7),
        "window": "trailing/12",
    },
    "quota.combination": {
        "kind": "support/individual",
        "conflict": "treatment/individual",
        "frees_on": dt.date(2025, 6, 4),
        "window": "trailing/12",
    },
    "day.limit": {"date": dt.date(2024, 5, 2)},
    "assessment.missing": {"function": "treatment", "window": "trailing/12"},
    "video.first_in_person": {},
    "modality.condition": {"modality": "home"},
    "co_consultation.co_provider": {},
    "share.community": {"amount": Decimal("0.00")},
    "share.youth": {"amount": Decimal("0.00"), "max_age": 23},
    "share.first_free": {"amount": Decimal("0.00"), "window": "trailing/12"},
    "share.preferential": {"amount": Decimal("4.00")},
    "share.standard": {"amount": Decimal("11.00")},
    "share.group": {"amount": Decimal("2.50")},
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
    "modality.condition": "care at home or by video for a patient not marked as unable to travel",
    "co_consultation.co_provider": "a co-consultation that does not name its co-provider",
    "share.community": "a community group session: the patient pays nothing",
    "share.youth": "a patient aged 23 or younger, from 2024-02-01: the patient pays nothing",
    "share.first_free": "the first individual session in the window: free",
    "share.preferential": "an individual session with the increased reimbursement (BIM)",
    "share.standard": "an individual session without the increased reimbursement",
    "share.group": "a group session",
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


def _link(key: str, url: str) -> str:
    return f"[{key}]({url})" if url.startswith("https://") else key


def _block(value: RuleValue) -> str:
    """One value as one paragraph: readable at any width, its source and mark always visible."""
    label = f" ({value.label.en})" if value.label else ""
    estimate = ", **estimate**" if value.estimate else ""
    note = f" {_cell(value.source.note)}" if value.source.note else ""
    return (
        f"- **`{value.name}`**{label}: {_shown(value)}, valid {_period(value)}, "
        f"mark `{value.source.confidence.value}`{estimate}. "
        f"Source: {_link(value.source.key, value.source.url)}.{note}"
    )


def _blocks(values: Iterable[RuleValue]) -> list[str]:
    return [_block(v) for v in values]


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
        "care for young people) appear once per period. A value marked **estimate** is the last "
        "known amount, kept where no source gives the real one: every decision that uses it says "
        "so (`unconfirmed_values`).",
        "",
        "Marks: " + "; ".join(f"`{mark}` {text}" for mark, text in MARKS.items()) + ".",
        "",
        *_blocks(values),
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
        "`A`. They are data: a different reading is an amendment file (`Rules.amend`), an "
        "override (`Rules.with_overrides`) or a change to the tables, never a change to the "
        "code. Judge them for yourself; the note of "
        "each says what we assumed and why. This list is written from the rule tables when the "
        "documentation is built.",
        "",
        *_blocks(values),
        "",
    ]
    return "\n".join(lines)


def sample_message(code: str, lang: str) -> str:
    """The message of ``code`` in ``lang`` with the example facts and the tables' labels."""
    return render(code, SAMPLE_PARAMS[code], lang, default_rules().labels(lang))


def sources_page() -> str:
    """Every source key of the tables with its URL and how many values cite it."""
    rules = default_rules()
    cited: dict[str, int] = {}
    for value in rules.values():
        cited[value.source.key] = cited.get(value.source.key, 0) + 1
    lines = [
        "# Sources",
        "",
        "Every value of the rule tables names its source by a short key. This page lists every "
        "key with the document it stands for and how many values of the tables cite it; it is "
        "written from the tables when the documentation is built. An amendment file adds its "
        "own keys (see [Bringing in new amounts](../amendments.md)).",
        "",
    ]
    lines += [
        f"- `{key}`: {url if url.startswith('https://') else _cell(url)}, "
        f"cited by {cited.get(key, 0)} values."
        for key, url in sorted(rules.sources.items())
    ]
    lines.append("")
    return "\n".join(lines)


def reason_codes_page() -> str:
    """Every reason code with what it means and its message in the four languages."""
    lines = [
        "# Reason codes",
        "",
        "A refused decision lists every rule the session breaks, in the order below, each code "
        "once. The codes are stable; the messages come from the catalogues in "
        "`inami_ppl/messages/` (the caller picks the language with `Reason.message(lang)`). "
        "The messages below are rendered with example facts; functions and limits are named by "
        "their labels in the rule tables, and the window as the rule set's policy defines it.",
        "",
    ]
    lines += _code_sections(REASON_CODES, "##")
    lines += [
        "## Share codes",
        "",
        "Every accepted decision says which step of the patient-share precedence set its share "
        "(`Assessment.share_reason`), with one of these codes, in the order of precedence.",
        "",
    ]
    lines += _code_sections(ShareCode, "###")
    return "\n".join(lines)


def _code_sections(codes: Iterable[str], heading: str) -> list[str]:
    lines = []
    for code in codes:
        lines += [f"{heading} `{code}`", "", f"When: {WHEN[code]}.", ""]
        lines += ["| language | message |", "|---|---|"]
        lines += [
            f"| {LANGUAGE_NAMES[lang]} | {_cell(sample_message(code, lang))} |"
            for lang in LANGUAGES
        ]
        lines.append("")
    return lines


# The modules documented beside the names of ``inami_ppl.__all__``.
MODULES = (
    "inami_ppl.claims",
    "inami_ppl.claims.columns",
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
    "sources.md": sources_page,
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
