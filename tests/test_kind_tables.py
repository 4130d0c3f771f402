"""A predicate kind's behaviour is declared once per concern, in a table keyed by the kind:
every kind can be checked in a figure and worded in a proof, every AR table has one name
in proofs, and a premise reads every table that can prove it."""
from __future__ import annotations

import json

from ddar.algebra import LENGTH_KINDS
from ddar.equations import ANGLE_EQUATIONS, RATIO_EQUATIONS, Table
from ddar.registry import PREMISE_CHANNELS
from geometry.predicates import CHECKS, NUMERIC_ONLY, Kind
from prover.export.wording import CHASING, SAY, ar_reason


def test_every_kind_has_a_numeric_check_and_a_wording() -> None:
    assert set(CHECKS) == set(Kind)
    assert set(SAY) == set(Kind)


def test_every_table_has_one_wording_whatever_form_names_it() -> None:
    assert set(CHASING) == set(Table)
    for t in Table:  # a proof read back from JSON names its table by a plain string
        assert ar_reason(t.value) == ar_reason(t) == CHASING[t]


def test_table_names_serialise_as_before() -> None:
    assert json.dumps([Table.ANGLE, Table.ANGLE2]) == '["angle", "angle2"]'
    assert f"{Table.SQUARE}" == str(Table.SQUARE) == "square"
    assert Table("ratio") is Table.RATIO and Table.RATIO == "ratio"


def test_a_premise_reads_the_tables_that_hold_its_kind() -> None:
    for table, kinds in ((Table.ANGLE, ANGLE_EQUATIONS), (Table.RATIO, RATIO_EQUATIONS), (Table.LENGTH, LENGTH_KINDS)):
        for k in kinds:
            assert table in PREMISE_CHANNELS[k], (k, table)
    assert all(not PREMISE_CHANNELS[k] for k in NUMERIC_ONLY)
