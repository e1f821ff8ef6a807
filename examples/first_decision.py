"""A small tour of inami_ppl: one patient's year of sessions, decided and explained."""

from __future__ import annotations

import datetime as dt

from inami_ppl import Patient, Session, assess_history, next_allowed_date, remaining


def main() -> None:
    """Decide an adult's first-line sessions of 2023 and show what remains."""
    patient = Patient(birth_date=dt.date(1985, 10, 2), preferential=True)
    sessions = [
        Session(
            date=dt.date(2023, 1, 9) + dt.timedelta(weeks=2 * i),
            network="adults",
            function="first_line",
            setting="individual",
        )
        for i in range(10)
    ]
    accepted = []
    for decision in assess_history(patient, sessions):
        session = decision.session
        if decision.allowed:
            accepted.append(session)
            print(f"{session.date}  accepted  patient pays {decision.patient_share} EUR")
        else:
            print(f"{session.date}  refused   {'; '.join(decision.messages('en'))}")
    on = dt.date(2023, 6, 1)
    left = remaining(patient, accepted, on, "adults")
    print(f"\nleft on {on}:")
    for (function, setting), count in left.items():
        print(f"  {function.value} {setting.value}: {'no maximum' if count is None else count}")
    print(f"\nnext possible date: {next_allowed_date(patient, accepted, sessions[-1])}")


if __name__ == "__main__":
    main()
