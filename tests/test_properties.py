"""Props."""

from strategies import X


def test_x() -> None:
    assert X == 1
