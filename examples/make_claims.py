"""Write ``examples/claims.csv``: a small claims file whose every row says what it should give.

Each patient follows one story taken from the rules (``RULES.md``): a year of
first-line sessions that runs into the maximum, a young patient whose care is free
from 2024-02-01, a video session before any session in person, care at home for a
patient who can travel, a co-consultation that does not say with whom, and so on. The
three last columns, ``expected``, ``expected_share`` and ``expected_share_reason``,
state the decision, the patient share and the step of the share precedence that the
rules give for the row, worked out here from the rule text, not by the library; the
test suite checks the library against them.

Run from the repository root: ``python examples/make_claims.py`` (deterministic).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from inami_ppl.claims import COLUMNS

HEADER = (*COLUMNS, "expected", "expected_share", "expected_share_reason")
ADULTS = "adults"
CHILDREN = "children_adolescents"
ACCEPTED = "accepted"
YOUTH_FREE_START = dt.date(2024, 2, 1)
YOUTH_MAX_AGE = 23
GP = "1-23456-78-901"  # an INAMI number as people write it: kept as its 11 digits
WEEK = dt.timedelta(weeks=1)

Row = dict[str, str]


class Patient:
    """One patient's rows, written in date order."""

    def __init__(self, pid: str, birth: dt.date, *, preferential: bool = False) -> None:
        self.pid = pid
        self.birth = birth
        self.preferential = preferential
        self.rows: list[Row] = []

    def add(  # noqa: PLR0917  (a call reads like a row of the file)
        self,
        day: dt.date,
        network: str,
        function: str,
        setting: str,
        expected: str,
        share: str,
        **extra: str,
    ) -> None:
        row = {
            "patient_id": self.pid,
            "birth_date": self.birth.isoformat(),
            "preferential": "true" if self.preferential else "false",
            "date": day.isoformat(),
            "network": network,
            "function": function,
            "setting": setting,
            "modality": extra.get("modality", "practice"),
            "with_context": extra.get("with_context", "false"),
            "functional_assessment": extra.get("functional_assessment", "false"),
            "provider": extra.get("provider", ""),
            "unable_to_travel": extra.get("unable_to_travel", "false"),
            "co_provider": extra.get("co_provider", ""),
            "expected": expected,
            "expected_share": share if expected == ACCEPTED else "",
            "expected_share_reason": self.share_reason(day, function, setting, share)
            if expected == ACCEPTED
            else "",
        }
        self.rows.append(row)

    def share_reason(self, day: dt.date, function: str, setting: str, share: str) -> str:
        """§8: the step of the precedence that sets the share, first that applies."""
        age = (
            day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))
        )
        if function == "community":
            return "share.community"
        if day >= YOUTH_FREE_START and age <= YOUTH_MAX_AGE:
            return "share.youth"
        if setting == "group":
            return "share.group"
        if share == "0.00":
            return "share.first_free"
        return "share.preferential" if self.preferential else "share.standard"

    @property
    def individual_share(self) -> str:
        """§8: 11.00, or 4.00 with the increased reimbursement (BIM)."""
        return "4.00" if self.preferential else "11.00"


def first_line_adult(p: Patient, k: int) -> None:
    """§5: at most 8 first-line individual sessions per 12 months for adults; §8 first free."""
    start = dt.date(2022, 1, 3) + k * WEEK
    for i in range(10):
        expected = ACCEPTED if i < 8 else "quota.exceeded"
        share = "0.00" if i == 0 else p.individual_share
        p.add(start + i * WEEK, ADULTS, "first_line", "individual", expected, share)


def first_line_child(p: Patient, k: int) -> None:
    """§5: at most 10 first-line individual sessions for children and adolescents (2023)."""
    start = dt.date(2023, 1, 9) + k * WEEK
    for i in range(11):
        expected = ACCEPTED if i < 10 else "quota.exceeded"
        share = "0.00" if i == 0 else p.individual_share
        p.add(start + i * WEEK, CHILDREN, "first_line", "individual", expected, share)


def support_adult(p: Patient, k: int) -> None:
    """§6: at most 8 support individual sessions for adults (2024 convention)."""
    start = dt.date(2024, 5, 6) + k * WEEK
    for i in range(9):
        expected = ACCEPTED if i < 8 else "quota.exceeded"
        share = "0.00" if i == 0 else p.individual_share
        p.add(start + i * WEEK, ADULTS, "support", "individual", expected, share)


def young_support(p: Patient, k: int) -> None:
    """§8.2: from 2024-02-01 a patient aged 23 or younger pays nothing."""
    start = dt.date(2024, 9, 2) + k * WEEK
    for i in range(5):
        p.add(start + i * WEEK, CHILDREN, "support", "individual", ACCEPTED, "0.00")


def support_group(p: Patient, k: int) -> None:
    """§6: group sessions have no per-patient maximum; §8.5 a group session costs 2.50."""
    start = dt.date(2024, 10, 7) + k * WEEK
    for i in range(4):
        p.add(start + i * WEEK, ADULTS, "support", "group", ACCEPTED, "2.50")


def community(p: Patient, k: int) -> None:
    """§8.1: community group interventions are free."""
    start = dt.date(2025, 1, 6) + k * WEEK
    for i in range(3):
        p.add(start + i * WEEK, ADULTS, "community", "group", ACCEPTED, "0.00")


def specialized(p: Patient, k: int) -> None:
    """§7: specialized care needs a functional assessment, on the session or earlier."""
    start = dt.date(2022, 3, 7) + k * WEEK
    p.add(start, ADULTS, "specialized", "individual", "assessment.missing", "")
    p.add(
        start + WEEK,
        ADULTS,
        "specialized",
        "individual",
        ACCEPTED,
        "0.00",
        functional_assessment="true",
    )
    p.add(start + 2 * WEEK, ADULTS, "specialized", "individual", ACCEPTED, p.individual_share)


def one_a_day(p: Patient, k: int) -> None:
    """§7: one session a day; a session with the context is outside that limit."""
    day = dt.date(2023, 6, 5) + k * WEEK
    p.add(day, ADULTS, "first_line", "individual", ACCEPTED, "0.00")
    p.add(day, ADULTS, "first_line", "group", "day.limit", "")
    p.add(
        day, ADULTS, "first_line", "individual", ACCEPTED, p.individual_share, with_context="true"
    )


def video_first(p: Patient, k: int) -> None:
    """§7: a video session only after a session in person with the same psychologist."""
    start = dt.date(2023, 9, 4) + k * WEEK
    psy = f"psy-{k + 1}"
    p.add(
        start,
        ADULTS,
        "first_line",
        "individual",
        "video.first_in_person",
        "",
        modality="video",
        provider=psy,
        unable_to_travel="true",
    )
    p.add(start + WEEK, ADULTS, "first_line", "individual", ACCEPTED, "0.00", provider=psy)
    p.add(
        start + 2 * WEEK,
        ADULTS,
        "first_line",
        "individual",
        ACCEPTED,
        p.individual_share,
        modality="video",
        provider=psy,
        unable_to_travel="true",
    )


def not_in_force(p: Patient, k: int) -> None:
    """§3: the 2021 functions end on 2024-03-31."""
    start = dt.date(2024, 5, 2) + k * WEEK
    p.add(start, ADULTS, "first_line", "individual", "function.not_in_force", "")
    p.add(start + 4 * WEEK, ADULTS, "specialized", "individual", "function.not_in_force", "")


def wrong_network(p: Patient, k: int) -> None:
    """§2: the children and adolescents network is for ages up to and including 23."""
    start = dt.date(2023, 4, 3) + k * WEEK
    p.add(start, CHILDREN, "first_line", "individual", "age.network", "")
    p.add(start + WEEK, ADULTS, "first_line", "individual", ACCEPTED, "0.00")


def network_switch(p: Patient, k: int) -> None:
    """§2: one network per 12 months while both are open (ages 15 to 23)."""
    start = dt.date(2023, 3, 6) + k * WEEK
    p.add(start, CHILDREN, "first_line", "individual", ACCEPTED, "0.00")
    p.add(start + WEEK, ADULTS, "first_line", "individual", "network.switch", "")


def treatment_then_support(p: Patient, k: int) -> None:
    """§6: once treatment individual is in the window, support individual is refused."""
    start = dt.date(2024, 6, 3) + k * WEEK
    p.add(
        start,
        ADULTS,
        "treatment",
        "individual",
        ACCEPTED,
        "0.00",
        functional_assessment="true",
    )
    p.add(start + WEEK, ADULTS, "support", "individual", "quota.combination", "")
    p.add(start + 2 * WEEK, ADULTS, "treatment", "individual", ACCEPTED, p.individual_share)


def two_individual_tracks(p: Patient, k: int) -> None:
    """§5: one function for the individual sessions of a window (2021) [A]."""
    start = dt.date(2022, 9, 5) + k * WEEK
    p.add(start, ADULTS, "first_line", "individual", ACCEPTED, "0.00")
    p.add(
        start + WEEK,
        ADULTS,
        "specialized",
        "individual",
        "quota.combination",
        "",
        functional_assessment="true",
    )


def across_conventions(p: Patient, k: int) -> None:
    """§6: 2021 first-line individual sessions count as support individual after 2024-04-01."""
    start = dt.date(2024, 1, 8) + k * WEEK
    for i in range(6):
        share = "0.00" if i == 0 else p.individual_share
        p.add(start + i * WEEK, ADULTS, "first_line", "individual", ACCEPTED, share)
    later = dt.date(2024, 4, 8)
    for i in range(3):
        expected = ACCEPTED if i < 2 else "quota.exceeded"
        p.add(later + i * WEEK, ADULTS, "support", "individual", expected, p.individual_share)


def care_at_home(p: Patient, k: int) -> None:
    """§7: care at home or by video only for a patient unable to travel."""
    start = dt.date(2024, 11, 4) + k * WEEK
    p.add(start, ADULTS, "support", "individual", ACCEPTED, "0.00")
    p.add(start + WEEK, ADULTS, "support", "individual", "modality.condition", "", modality="home")
    p.add(
        start + 2 * WEEK,
        ADULTS,
        "support",
        "individual",
        ACCEPTED,
        p.individual_share,
        modality="home",
        unable_to_travel="true",
    )
    p.add(
        start + 3 * WEEK,
        ADULTS,
        "support",
        "individual",
        "modality.condition",
        "",
        modality="video",
    )
    p.add(
        start + 4 * WEEK,
        ADULTS,
        "support",
        "individual",
        ACCEPTED,
        p.individual_share,
        modality="video",
        unable_to_travel="true",
    )


def co_consultation(p: Patient, k: int) -> None:
    """§3, §7: a co-consultation names the first-line provider who takes part."""
    start = dt.date(2025, 3, 3) + k * WEEK
    p.add(start, ADULTS, "co_consultation", "individual", "co_consultation.co_provider", "")
    p.add(start + WEEK, ADULTS, "co_consultation", "individual", ACCEPTED, "0.00", co_provider=GP)
    p.add(
        start + 2 * WEEK,
        ADULTS,
        "co_consultation",
        "individual",
        ACCEPTED,
        p.individual_share,
        co_provider=GP,
    )


# (story, how many patients, first birth date, whether every other patient has BIM)
STORIES: tuple[tuple[Callable[[Patient, int], None], int, dt.date, bool], ...] = (
    (first_line_adult, 8, dt.date(1970, 2, 11), True),
    (first_line_child, 6, dt.date(2010, 3, 1), True),
    (support_adult, 8, dt.date(1960, 7, 23), True),
    (young_support, 5, dt.date(2006, 1, 15), False),
    (support_group, 5, dt.date(1985, 11, 2), False),
    (community, 4, dt.date(1992, 4, 30), False),
    (specialized, 3, dt.date(1978, 8, 8), True),
    (one_a_day, 3, dt.date(1982, 12, 1), False),
    (video_first, 3, dt.date(1988, 5, 19), False),
    (not_in_force, 2, dt.date(1975, 1, 1), False),
    (wrong_network, 2, dt.date(1990, 10, 10), False),
    (network_switch, 2, dt.date(2006, 5, 1), False),
    (treatment_then_support, 2, dt.date(1972, 6, 6), True),
    (two_individual_tracks, 2, dt.date(1968, 3, 3), False),
    (across_conventions, 3, dt.date(1965, 9, 9), True),
    (care_at_home, 2, dt.date(1958, 2, 20), True),
    (co_consultation, 2, dt.date(1983, 10, 12), True),
)


def rows() -> list[Row]:
    """Every row of the example, patient by patient."""
    out: list[Row] = []
    number = 0
    for story, count, birth, alternate_bim in STORIES:
        for k in range(count):
            number += 1
            patient = Patient(
                f"P{number:03d}",
                birth.replace(year=birth.year + k),
                preferential=alternate_bim and k % 2 == 1,
            )
            story(patient, k)
            out.extend(patient.rows)
    return out


def main() -> None:
    """Write the file next to this script."""
    path = Path(__file__).with_name("claims.csv")
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows())


if __name__ == "__main__":
    main()
