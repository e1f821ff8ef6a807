"""The straightforward engine, kept as it was first written, to check the library against.

Every session is judged by building its whole context and running each check of the
rules one after the other. The library's compiled engine must give the same decisions;
the equivalence tests (``test_engine_equivalence.py``) and
``scripts/compare_engines.py`` compare the two.
"""
