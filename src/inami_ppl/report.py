"""A self-contained HTML report of assessed claims: ``pip install "inami-ppl[plots]"``.

``inami-ppl report FILE -o report.html`` (or :func:`write_report`) writes one HTML file
with every chart of :mod:`inami_ppl.plots` embedded as an image, each with its text
alternative and the table of its figures under it. The page loads nothing from anywhere
(no script, no font, no style sheet from the network) and reflows on a narrow screen.

The file is written next to its final place under a temporary name and renamed at the
end: an interrupted run leaves any earlier report as it was. No patient identifier, birth
date or provider number appears in the page: every table is an aggregate.

>>> import tempfile
>>> from pathlib import Path
>>> from inami_ppl.claims import assess_file
>>> with tempfile.TemporaryDirectory() as folder:
...     out = write_report(assess_file("examples/claims.csv"), Path(folder) / "r.html")
...     page = out.read_text("utf-8")
>>> page.count("<img "), page.count("<table")
(6, 6)
"""

from __future__ import annotations

import base64
import html
import io
import os
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from inami_ppl import __version__
from inami_ppl.analytics import totals
from inami_ppl.claims import Claim
from inami_ppl.errors import InvalidInputError
from inami_ppl.plots import Chart, charts
from inami_ppl.rulesets import Rules

__all__ = ["render_report", "write_report"]

_STYLE: Final = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem;
       line-height: 1.45; color: #1a1a1a; background: #fff; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; }
img { display: block; max-width: 100%; height: auto; }
.table { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9rem; margin-top: 0.75rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f2f2f2; }
caption { text-align: left; caption-side: top; }
dl { display: grid; grid-template-columns: minmax(0, max-content) auto; gap: 0.1rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
footer { margin-top: 3rem; font-size: 0.85rem; color: #555; }
@media (max-width: 40rem) { body { padding: 0.5rem; } h1 { font-size: 1.3rem; } }
"""


def _image(chart: Chart) -> str:
    if chart.figure is None:
        return f"<p>{html.escape(chart.alt)}</p>"
    buffer = io.BytesIO()
    # No metadata: the same claims give the same bytes.
    chart.figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(chart.alt)}">'


def _cell(value: object) -> str:
    return html.escape(str(value))


def _data(value: object) -> str:
    """A table cell: numbers right-aligned so that their digits line up."""
    number = isinstance(value, int | float | Decimal | np.number) and not isinstance(value, bool)
    return f'<td class="n">{_cell(value)}</td>' if number else f"<td>{_cell(value)}</td>"


def _table(chart: Chart) -> str:
    frame: pd.DataFrame = chart.table
    head = "".join(f'<th scope="col">{_cell(name)}</th>' for name in frame.columns)
    if frame.empty:
        body = f'<tr><td colspan="{len(frame.columns)}">none</td></tr>'
    else:
        body = "".join(
            "<tr>" + "".join(_data(v) for v in row) + "</tr>"
            for row in frame.itertuples(index=False, name=None)
        )
    caption = f"<caption>The figures of: {html.escape(chart.title)}</caption>"
    return (
        f'<div class="table"><table>{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def render_report(
    claims: Iterable[Claim], *, title: str = "Claims report", rules: Rules | None = None
) -> str:
    """The report page as text: a summary, then every chart with its table.

    ``rules`` are those the claims were assessed with (for the caseload targets).
    """
    held = list(claims)
    made = charts(held, rules=rules)
    summary = totals(held)
    facts = [
        ("rows", summary.sessions + summary.invalid),
        ("accepted", summary.accepted),
        ("refused", summary.refused),
        ("malformed (not assessed)", summary.invalid),
        ("patients", summary.patients),
        ("patient shares", f"{summary.patient_share} EUR"),
        ("insurer amounts (individual sessions)", f"{summary.insurer_share} EUR"),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{html.escape(title)}</h1>",
        "<dl>" + "".join(f"<dt>{_cell(k)}</dt><dd>{_cell(v)}</dd>" for k, v in facts) + "</dl>",
        "<p>Group sessions have no fee or insurer amount here: a group fee is paid per "
        "facilitator, and a claims file does not say who facilitated.</p>",
    ]
    for chart in made:
        parts += [
            f'<section id="{chart.key}">',
            f"<h2>{html.escape(chart.title)}</h2>",
            _image(chart),
            _table(chart),
            "</section>",
        ]
    parts += [
        "</main>",
        f"<footer>Written by inami-ppl {html.escape(__version__)}.</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def write_report(
    claims: Iterable[Claim],
    path: str | os.PathLike[str],
    *,
    title: str = "Claims report",
    rules: Rules | None = None,
) -> Path:
    """Write :func:`render_report` to ``path`` atomically; return the path.

    The page is written to a temporary file in the same folder, flushed to disk and
    renamed over ``path`` at the end; on any failure the temporary file is removed and
    an earlier file at ``path`` is left as it was.

    Raises:
        InvalidInputError: ``path`` is not in a folder that can be written.

    """
    target = Path(path)
    page = render_report(claims, title=title, rules=rules).encode("utf-8")
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise InvalidInputError(
            "path", os.fspath(path), f"a file in a writable folder ({error.strerror})"
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), 0o644)  # a page to share, not a private temporary file
            stream.write(page)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
