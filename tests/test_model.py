"""Enums and value objects: construction, validation, immutability.

``DESIGN.md`` public contract (enum codes, ``Patient``, ``Session``), principle 1
(frozen value objects), principle 4 and ``RULES.md`` §11 (bad input is an error that
names the field and the value); ``RULES.md`` §3 (the settings of each function).
"""

# Asserts put the expected value first (STYLE.md), which SIM300 calls a "Yoda condition".

from __future__ import annotations

import datetime as dt
import enum
import itertools
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inami_ppl import (
    Confidence,
    Function,
    InamiPplError,
    InvalidInputError,
    Kind,
    Modality,
    Network,
    Patient,
    Role,
    Session,
    Setting,
    Source,
)
from inami_ppl.errors import IDENTIFYING

D = dt.date
DAY = D(2024, 5, 2)


def session(**changes: Any) -> Session:
    """A valid support individual session on 2024-05-02, with ``changes`` applied."""
    fields: dict[str, Any] = {
        "date": DAY,
        "network": Network.ADULTS,
        "function": Function.SUPPORT,
        "setting": Setting.INDIVIDUAL,
        **changes,
    }
    return Session(**fields)


def assert_bad_input(error: InvalidInputError, field: str, value: object) -> None:
    assert isinstance(error, InamiPplError)
    assert isinstance(error, ValueError)
    assert field == error.field
    assert str(error).startswith(f"{field}: ")
    if field.rsplit(".", 1)[-1] in IDENTIFYING:  # a birth date, a provider number
        assert repr(value) not in str(error)
        assert str(error).endswith("got (not shown: it identifies a person)")
    else:
        assert repr(value) in str(error)


# --------------------------------------------------------------------------------------
# The stable codes of the public contract (DESIGN.md).


@pytest.mark.parametrize(
    ("enum_class", "codes"),
    [
        (Network, ["children_adolescents", "adults"]),
        (
            Function,
            ["first_line", "specialized", "community", "support", "treatment", "co_consultation"],
        ),
        (Setting, ["individual", "group"]),
        (Modality, ["practice", "outreach", "home", "video"]),
        (Role, ["psychologist", "physician", "other"]),
        (Confidence, ["SEED", "P", "S", "A"]),
    ],
)
def test_enum_codes_are_those_of_the_public_contract(
    enum_class: type[enum.Enum], codes: list[str]
) -> None:
    assert codes == [member.value for member in enum_class]


# --------------------------------------------------------------------------------------
# Construction: enum fields accept the member or its code.

ENUM_FIELDS: list[tuple[str, type[enum.Enum]]] = [
    ("network", Network),
    ("modality", Modality),
]


@pytest.mark.parametrize(
    ("field", "member"),
    [(field, member) for field, enum_class in ENUM_FIELDS for member in enum_class]
    + [("function", f) for f in (Function.FIRST_LINE, Function.SUPPORT)]
    + [("setting", s) for s in Setting],
    ids=str,
)
def test_enum_field_accepts_the_member_or_its_code(field: str, member: enum.Enum) -> None:
    by_member = session(**{field: member})
    by_code = session(**{field: member.value})

    assert member is getattr(by_member, field)
    assert member is getattr(by_code, field)
    assert by_member == by_code


def test_session_defaults() -> None:
    built = session()

    assert Modality.PRACTICE is built.modality
    assert False is built.with_context
    assert False is built.functional_assessment
    assert None is built.provider


def test_patient_is_not_preferential_by_default() -> None:
    assert False is Patient(birth_date=D(1990, 1, 1)).preferential
    assert True is Patient(birth_date=D(1990, 1, 1), preferential=True).preferential


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("network", "adult"),
        ("network", "ADULTS"),
        ("network", "seniors"),
        ("function", "psychotherapy"),
        ("function", "first-line"),
        ("setting", "couple"),
        ("modality", "phone"),
        ("modality", "Video"),
        ("network", Function.SUPPORT),
    ],
    ids=repr,
)
def test_unknown_code_is_an_error_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        session(**{field: value})

    assert_bad_input(info.value, field, value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (field, value)
        for field in ("network", "function", "setting", "modality")
        for value in (1, None, 0.5, ["adults"])
    ],
    ids=repr,
)
def test_enum_field_of_the_wrong_type_is_an_error_naming_the_field(
    field: str, value: object
) -> None:
    with pytest.raises(InvalidInputError) as info:
        session(**{field: value})

    assert_bad_input(info.value, field, value)


# --------------------------------------------------------------------------------------
# Dates (RULES.md §11: a datetime or a string where a date is required is an error).

BAD_DATES: list[object] = [
    dt.datetime(2024, 5, 2, 0, 0),  # noqa: DTZ001  (a naive datetime is the bad value under test)
    dt.datetime(2024, 5, 2, 10, 30, tzinfo=dt.UTC),
    "2024-05-02",
    20240502,
    None,
]


@pytest.mark.parametrize("value", BAD_DATES, ids=repr)
def test_session_date_must_be_a_plain_date(value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        session(date=value)

    assert_bad_input(info.value, "date", value)


@pytest.mark.parametrize("value", BAD_DATES, ids=repr)
def test_birth_date_must_be_a_plain_date(value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        Patient(birth_date=value)

    assert_bad_input(info.value, "birth_date", value)


# --------------------------------------------------------------------------------------
# Booleans: only True or False.


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (field, value)
        for field in ("with_context", "functional_assessment")
        for value in (1, 0, "true", "false", None)
    ],
    ids=repr,
)
def test_session_flag_must_be_a_bool(field: str, value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        session(**{field: value})

    assert_bad_input(info.value, field, value)


@pytest.mark.parametrize("value", [1, 0, "true", "yes", None], ids=repr)
def test_preferential_must_be_a_bool(value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        Patient(birth_date=D(1990, 1, 1), preferential=value)

    assert_bad_input(info.value, "preferential", value)


@pytest.mark.parametrize(
    ("field", "value"), [("with_context", True), ("functional_assessment", True)]
)
def test_session_flag_accepts_true(field: str, value: bool) -> None:
    assert value is getattr(session(**{field: value}), field)


# --------------------------------------------------------------------------------------
# Provider: None or a non-empty identifier.


@pytest.mark.parametrize("value", ["", "   ", 12345678, b"123"], ids=repr)
def test_provider_must_be_none_or_a_non_empty_string(value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        session(provider=value)

    assert_bad_input(info.value, "provider", value)


def test_provider_is_kept_as_given() -> None:
    assert "1-23456-78-901" == session(provider="1-23456-78-901").provider


# --------------------------------------------------------------------------------------
# Function and setting (RULES.md §3): every combination, written out from the table.

SETTINGS_OF: dict[Function, set[Setting]] = {
    Function.FIRST_LINE: {Setting.INDIVIDUAL, Setting.GROUP},
    Function.SPECIALIZED: {Setting.INDIVIDUAL, Setting.GROUP},
    Function.COMMUNITY: {Setting.GROUP},
    Function.SUPPORT: {Setting.INDIVIDUAL, Setting.GROUP},
    Function.TREATMENT: {Setting.INDIVIDUAL, Setting.GROUP},
    Function.CO_CONSULTATION: {Setting.INDIVIDUAL},
}


def test_every_function_has_its_settings_written_out_here() -> None:
    # A new function needs its settings in the table above (its definition, not data).
    assert set(Function) == set(SETTINGS_OF)


@pytest.mark.parametrize(
    ("function", "setting"),
    [(f, s) for f, s in itertools.product(Function, Setting) if s in SETTINGS_OF.get(f, ())],
    ids=str,
)
def test_function_with_one_of_its_settings_is_valid(function: Function, setting: Setting) -> None:
    built = session(function=function, setting=setting)

    assert Kind(function, setting) == built.kind
    assert built == session(function=function.value, setting=setting.value)


@pytest.mark.parametrize(
    ("function", "setting"),
    [
        (f, s)
        for f, s in itertools.product(Function, Setting)
        if s not in SETTINGS_OF.get(f, set(Setting))
    ],
    ids=str,
)
def test_function_with_a_setting_it_does_not_have_is_an_error(
    function: Function, setting: Setting
) -> None:
    with pytest.raises(InvalidInputError) as info:
        session(function=function, setting=setting)

    assert_bad_input(info.value, "setting", setting.value)
    assert function.value in str(info.value)


def test_the_invalid_combinations_are_community_individual_and_co_consultation_group() -> None:
    invalid = [
        (f, s)
        for f, s in itertools.product(Function, Setting)
        if s not in SETTINGS_OF.get(f, set(Setting))
    ]

    assert [
        (Function.COMMUNITY, Setting.INDIVIDUAL),
        (Function.CO_CONSULTATION, Setting.GROUP),
    ] == invalid


def test_a_changed_copy_is_validated_too() -> None:
    co_consultation = session(function=Function.CO_CONSULTATION)

    with pytest.raises(InvalidInputError) as info:
        attrs.evolve(co_consultation, setting=Setting.GROUP)

    assert "setting" == info.value.field


# --------------------------------------------------------------------------------------
# Value objects are frozen and hashable (DESIGN.md principle 1).


@pytest.mark.parametrize(
    ("value", "field", "new"),
    [
        (Patient(birth_date=D(1990, 1, 1)), "birth_date", D(1991, 1, 1)),
        (Patient(birth_date=D(1990, 1, 1)), "preferential", True),
        (session(), "date", D(2024, 5, 3)),
        (session(), "setting", Setting.GROUP),
        (Source(key="caami", url="https://example.org", confidence="S"), "key", "helan-faq"),
    ],
    ids=["patient birth_date", "patient preferential", "session date", "session setting", "source"],
)
def test_value_objects_are_frozen(value: object, field: str, new: object) -> None:
    before = getattr(value, field)

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(value, field, new)

    assert before == getattr(value, field)


def test_value_objects_take_no_new_attributes() -> None:
    built = session()

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.colour = "blue"  # type: ignore[attr-defined]


def test_equal_sessions_are_one_set_member_and_one_dict_key() -> None:
    one, same, other = session(), session(network="adults"), session(date=D(2024, 5, 3))

    assert one == same
    assert hash(one) == hash(same)
    assert 2 == len({one, same, other})
    assert "first" == {one: "first"}[same]


def test_equal_patients_hash_alike() -> None:
    one = Patient(birth_date=D(1990, 1, 1))
    same = Patient(birth_date=D(1990, 1, 1), preferential=False)
    other = Patient(birth_date=D(1990, 1, 1), preferential=True)

    assert hash(one) == hash(same)
    assert 2 == len({one, same, other})


# --------------------------------------------------------------------------------------
# Kind: the (function, setting) unit that quotas count, and its text code.


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (Kind(Function.FIRST_LINE, Setting.INDIVIDUAL), "first_line/individual"),
        (Kind(Function.SPECIALIZED, Setting.GROUP), "specialized/group"),
        (Kind(Function.COMMUNITY, Setting.GROUP), "community/group"),
        (Kind(Function.CO_CONSULTATION, Setting.INDIVIDUAL), "co_consultation/individual"),
    ],
    ids=str,
)
def test_kind_code_and_parse(kind: Kind, code: str) -> None:
    assert code == kind.code
    assert kind == Kind.parse("kind", code)


@pytest.mark.parametrize(
    ("function", "setting"), list(itertools.product(Function, Setting)), ids=str
)
def test_kind_parse_reads_back_every_code(function: Function, setting: Setting) -> None:
    kind = Kind(function, setting)

    assert kind == Kind.parse("kind", kind.code)


def test_session_kind_is_its_function_and_setting() -> None:
    assert Kind(Function.SUPPORT, Setting.GROUP) == session(setting="group").kind


@pytest.mark.parametrize(
    ("value", "bad_part"),
    [
        ("first_line", "first_line"),
        ("first_line/individual/extra", "first_line/individual/extra"),
        ("first_line individual", "first_line individual"),
        ("psychotherapy/individual", "psychotherapy"),
        ("first_line/solo", "solo"),
        ("/", ""),
        ("", ""),
        (42, 42),
        (None, None),
    ],
    ids=repr,
)
def test_kind_parse_rejects_anything_but_function_slash_setting(
    value: object, bad_part: object
) -> None:
    with pytest.raises(InvalidInputError) as info:
        Kind.parse("limit.kinds[0]", value)

    assert_bad_input(info.value, "limit.kinds[0]", bad_part)


# --------------------------------------------------------------------------------------
# Source: the provenance of a rule value.


@pytest.mark.parametrize("mark", ["S", Confidence.SECONDARY])
def test_source_reads_its_confidence_mark(mark: Confidence | str) -> None:
    source = Source(key="caami", url="https://www.caami-hziv.fgov.be", confidence=mark)

    assert Confidence.SECONDARY is source.confidence
    assert None is source.note


@pytest.mark.parametrize("mark", ["secondary", "s", 2, None], ids=repr)
def test_source_rejects_an_unknown_confidence_mark(mark: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        Source(key="caami", url="https://example.org", confidence=mark)

    assert_bad_input(info.value, "confidence", mark)


# --------------------------------------------------------------------------------------
# The error itself (DESIGN.md principle 4).


def test_invalid_input_error_keeps_the_field_the_value_and_what_was_expected() -> None:
    error = InvalidInputError("network", "seniors", "one of 'children_adolescents', 'adults'")

    assert "network" == error.field
    assert "seniors" == error.value
    assert "one of 'children_adolescents', 'adults'" == error.expected
    assert "network: expected one of 'children_adolescents', 'adults', got 'seniors'" == str(error)


# --------------------------------------------------------------------------------------
# Junk input only ever raises the library's error (DESIGN.md principle 4).

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from([m.value for e in (Network, Function, Setting, Modality) for m in e]),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=2),
)
SESSION_FIELDS = [
    "date",
    "network",
    "function",
    "setting",
    "modality",
    "with_context",
    "functional_assessment",
    "provider",
]


@settings(database=None, max_examples=300)
@given(field=st.sampled_from(SESSION_FIELDS), value=JUNK)
def test_junk_in_a_session_field_only_ever_raises_invalid_input(field: str, value: object) -> None:
    try:
        built = session(**{field: value})
    except InvalidInputError as error:
        named = error.field
    else:
        assert value == getattr(built, field)
        return
    # A function code without the individual setting is reported on the setting.
    assert named in {field, "setting"}
