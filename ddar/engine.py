"""DD+AR: forward deduction with geometric rules and algebraic reasoning.

The engine holds the facts of one problem. Facts enter the AR tables (directed
angles, log-lengths, additive lengths) as they are derived; rules are matched against candidates read off
the numeric diagram (:mod:`ddar.index`) and fire when their premises are proven.
Every derived fact must hold in the diagram, so no step rests on a configuration
the diagram contradicts.

>>> from geometry.problem import parse_problem
>>> from geometry.diagram import realise
>>> p = parse_problem("thales", "a b = segment a b; o = midpoint o a b; c = on_circle c o a ? perp a c c b")
>>> result = Engine(realise(p, seed=0)).prove(p.goal)
>>> result.status
'solved'
"""
from __future__ import annotations

import copy
import pickle
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from geometry.diagram import Diagram
from geometry.predicates import NUMERIC_ONLY, Kind, Predicate

from .algebra import ANGLE_KINDS, LENGTH_KINDS, RATIO_KINDS, Algebra, Table
from .facts import ARApp, Fact, Given, LazyAR, Reason, RuleApp
from .index import NumericIndex
from .registry import BUNDLES, Matcher, default_matchers, on_demand
from .rules import Rule, load_rules, rule_conditions


class OutOfTime(Exception):
    """The saturation's time budget ran out inside a matcher's pass."""


@dataclass(frozen=True)
class Budget:
    """Limits of one saturation."""

    timeout: float = 60.0
    max_facts: int = 50_000


@dataclass
class Result:
    status: str  # "solved" | "unsolved" | "timeout" | "saturated" (no goal: fixpoint reached)
    goal_fact: int | None
    facts: int
    seconds: float
    iterations: int
    engine: Engine = field(repr=False)

    @property
    def solved(self) -> bool:
        return self.status == "solved"


def P(kind: str, *args: str) -> Predicate:
    return Predicate.of(kind, *args)


class Engine:
    """The deductive database of one problem, with its AR tables and numeric index.

    ``matchers`` are the rule matchers saturation runs, in order (default: those
    :mod:`ddar.matchers` registers in :mod:`ddar.registry`).
    """

    def __init__(
        self,
        diagram: Diagram,
        *,
        with_aux: bool = True,
        rules: dict[str, Rule] | None = None,
        matchers: Sequence[Matcher] | None = None,
    ) -> None:
        self.diagram = diagram
        self.pts = dict(diagram.points)
        self.index = NumericIndex(self.pts)
        self.rules = rules if rules is not None else load_rules()
        self.ar = Algebra(self.pts)
        self.facts: list[Fact] = []
        self.known: dict[Predicate, int] = {}
        self.cyclic4: dict[frozenset[str], int] = {}
        self.midps: dict[tuple[str, str, str], int] = {}
        self.triangles: dict[Predicate, int] = {}
        self.rejected = 0
        self.matcher_list: tuple[Matcher, ...] = tuple(matchers) if matchers is not None else default_matchers()
        self.memos: dict[str, Any] = {}  # what each matcher remembers between its passes
        self.caches: dict[str, Any] = {}  # what a matcher can recompute (not copied with the engine)
        self.touched: set[str] = set()  # channels the facts recorded since the last look entered
        self.goal: Predicate | None = None  # of the running saturation
        self.deadline: float | None = None  # of the running saturation (time.monotonic)
        for number, clause in enumerate(diagram.problem.all_clauses(with_aux), start=1):
            for prem in clause.premises():
                for pred in _normalise_given(prem):
                    self._record(pred, Given(number), check=False)

    # ------------------------------------------------------------------ recording
    def _record(self, pred: Predicate, reason: Reason, check: bool = True) -> int | None:
        key = pred.canonical()
        if key in self.known:
            return self.known[key]
        if check and not pred.holds(self.pts):
            self.rejected += 1
            return None
        fid = len(self.facts)
        self.facts.append(Fact(fid, key, reason))
        self.known[key] = fid
        k = key.kind
        if k in ANGLE_KINDS or k in RATIO_KINDS or k in LENGTH_KINDS:
            # An AR fact adds nothing to the table that derived it, except collinearity, which
            # was derived from one hub point and ties every pair of the points together.
            derived_in = reason.table if isinstance(reason, (ARApp, LazyAR)) and k is not Kind.COLL else None
            self.touched.update(self.ar.add(fid, key, skip=derived_in))
        if k in BUNDLES:
            self.touched.add(BUNDLES[k])
        if k is Kind.CYCLIC and len(key.points) == 4:
            self.cyclic4[frozenset(key.points)] = fid
        elif k is Kind.MIDP:
            self.midps[key.points] = fid  # type: ignore[index]
            self._expand(fid, key)
        elif k in (Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2):
            self.triangles[key] = fid
            self._expand(fid, key)
        elif k is Kind.CIRCLE:
            o, *rest = key.points
            for x in rest[1:]:
                self._record(P("cong", o, rest[0], o, x), RuleApp("c04", (fid,)), check=False)
        return fid

    def record(self, pred: Predicate, reason: Reason) -> int | None:
        """Add a fact with its reason (a rule applied to earlier facts, by id); it must hold
        in the figure. Returns its id (the old one if it is known), or None if the figure
        refutes it. Matchers that read a rule's premises straight off a bundle use this;
        :meth:`derive` is the checked way to apply a rule."""
        return self._record(pred, reason)

    def memo(self, name: str, factory: type = set) -> Any:
        """The scratch space matcher ``name`` keeps between passes (made by ``factory``)."""
        if name not in self.memos:
            self.memos[name] = factory()
        return self.memos[name]

    def cache(self, name: str, factory: type = dict) -> Any:
        """Matcher ``name``'s cache of values it can recompute (made by ``factory``): a copy of
        the engine (:meth:`copy`, ``copy.deepcopy``, pickling for Ray) starts with it empty, so copies stay cheap."""
        if name not in self.caches:
            self.caches[name] = factory()
        return self.caches[name]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["caches"] = {}
        return state

    def copy(self) -> "Engine":
        """An independent copy (to extend without touching this one): a pickle round trip, which
        on a saturated olympiad state takes a third of ``copy.deepcopy``'s time (an engine
        holding what pickle cannot name, such as a matcher defined in a function, is deep-copied)."""
        try:
            data = pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError):
            return copy.deepcopy(self)
        return pickle.loads(data)

    def _expand(self, fid: int, key: Predicate) -> None:
        """Unpack bundles (midpoints, similar triangles) into their plain facts."""
        a = key.points
        if key.kind is Kind.MIDP:
            m, x, y = a
            self._record(P("coll", m, x, y), RuleApp("m02", (fid,)), check=False)
            return
        rid = {Kind.SIMTRI: "t01", Kind.SIMTRI2: "t02", Kind.CONTRI: "t03", Kind.CONTRI2: "t04"}[key.kind]
        for concl in _instantiate_rule(self.rules[rid], dict(zip("ABCPQR", a))):
            if not self.implied(concl):
                self._record(concl, RuleApp(rid, (fid,)))
        if key.kind in (Kind.CONTRI, Kind.CONTRI2):
            sim = "t01" if key.kind is Kind.CONTRI else "t02"
            for concl in _instantiate_rule(self.rules[sim], dict(zip("ABCPQR", a))):
                if not self.implied(concl):
                    self._record(concl, RuleApp(sim + "c", (fid,)))

    # ------------------------------------------------------------------ queries
    def implied(self, pred: Predicate) -> bool:
        """Whether ``pred`` is already known (cheap: no explanation is built)."""
        key = pred.canonical()
        if key in self.known:
            return True
        k = key.kind
        if _degenerate(key):
            return False
        if k in ANGLE_KINDS or (k in RATIO_KINDS and k is not Kind.MIDP):
            return self.ar.implies(key)
        if k is Kind.CYCLIC:
            return len(set(key.points)) == 4 and frozenset(key.points) in self.cyclic4
        if k is Kind.MIDP:
            m, x, y = key.points
            return self.implied(P("coll", m, x, y)) and self.implied(P("cong", m, x, m, y))
        if k is Kind.CIRCLE:
            o, a, *rest = key.points
            return all(self.implied(P("cong", o, a, o, x)) for x in rest)
        return False

    def fact_id(self, pred: Predicate) -> int | None:
        """The id of a fact proving ``pred``, materialising AR and bundle steps; None if unproven."""
        key = pred.canonical()
        if key in self.known:
            return self.known[key]
        if _degenerate(key) or not key.holds(self.pts):
            return None
        k = key.kind
        if k in ANGLE_KINDS or (k in RATIO_KINDS and k is not Kind.MIDP):
            table = self.ar.implying(key)
            if table is None:
                return None
            if self.ar.identity(key):  # such as AB = AB
                return self._record(key, RuleApp("refl", ()))
            return self._record(key, LazyAR(table))  # explained if a proof needs it: reason()
        if k is Kind.MIDP:
            m, x, y = key.points
            return self._via("m01", key, [P("cong", m, x, m, y), P("coll", m, x, y)])
        if k is Kind.CIRCLE:
            o, a, b, c = key.points
            return self._via("c03", key, [P("cong", o, a, o, b), P("cong", o, a, o, c)])
        prover = on_demand(k)
        if prover is not None:  # similar or congruent triangles
            prover(self, key)
            return self.known.get(key)
        return None

    def reason(self, fid: int) -> Reason:
        """Why fact ``fid`` holds, an AR fact recorded unexplained (:class:`LazyAR`) explained
        now as it would have been then (from the facts before it; kept)."""
        fact = self.facts[fid]
        if isinstance(fact.reason, LazyAR):
            found = self.ar.explain(fact.pred, before=fid, via=fact.reason.table)
            if found is None:  # an engine bug: a recorded fact always follows from those before it
                raise RuntimeError(f"fact {fid} ({fact.pred}) does not follow from the facts before it")
            table, expl, conditions = found
            ids = tuple(i for i, _ in expl)
            fact = self.facts[fid] = Fact(fid, fact.pred, ARApp(table, ids, tuple(m for _, m in expl), conditions))
        return fact.reason

    def square_fact(self, pred: Predicate) -> int | None:
        """Prove ``pred`` (a right angle or equal segments) in the squared-length table;
        the id of the new fact, or None (also when ``pred`` is already known)."""
        key = pred.canonical()
        if self.implied(key) or _degenerate(key) or not key.holds(self.pts):
            return None
        expl = self.ar.square_explain(key)
        if expl is None:
            return None
        ids = tuple(i for i, _ in expl)
        return self._record(key, ARApp(Table.SQUARE, ids, tuple(m for _, m in expl)))

    def _via(self, rule: str, concl: Predicate, premises: list[Predicate]) -> int | None:
        ids = []
        for prem in premises:
            if not self.implied(prem):
                return None
        for prem in premises:
            fid = self.fact_id(prem)
            if fid is None:
                return None
            ids.append(fid)
        return self._record(concl, RuleApp(rule, tuple(ids)))

    def check_time(self) -> None:
        """Raise :class:`OutOfTime` when the running saturation's deadline has passed."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise OutOfTime

    def derive(self, rule: str, concl: Predicate, premises: Iterable[Predicate]) -> bool:
        """Apply ``rule``: if every premise is proven and ``concl`` is new, add it.
        Raises :class:`OutOfTime` when the running saturation's deadline has passed."""
        self.check_time()
        if self.implied(concl) or _degenerate(concl.canonical()):
            return False
        prem = list(premises)
        if not all(self.implied(p) for p in prem):
            return False
        if not concl.holds(self.pts):
            self.rejected += 1
            return False
        conditions = rule_conditions(self.rules[rule], prem, concl, self.pts)
        if conditions is None:  # not an instance of the rule, or its checks fail in the figure
            self.rejected += 1
            return False
        ids = []
        for p in prem:
            fid = self.fact_id(p)
            if fid is None:
                return False
            ids.append(fid)
        return self._record(concl, RuleApp(rule, tuple(ids), conditions)) is not None

    # ------------------------------------------------------------------ saturation
    def prove(self, goal: Predicate | None, budget: Budget = Budget()) -> Result:
        """Saturate until ``goal`` holds (or a fixpoint, or the budget is spent).

        Matchers run in order; a new fact wakes the matchers that read its channels
        (:mod:`ddar.registry`), and the loop always runs the first awake one, so cheap
        rules reach their fixpoint before costly ones run (which also keeps proofs short:
        a goal is reached by the simplest rules that can reach it). It ends when no
        matcher is awake.
        """
        start = time.monotonic()
        iterations = 0
        status = "unsolved"
        self.goal = goal
        matchers = self.matcher_list
        readers: dict[str, list[int]] = {}
        for n, m in enumerate(matchers):
            for ch in m.reads:
                readers.setdefault(ch, []).append(n)
        # every matcher runs once; afterwards only those whose channels received new facts
        dirty = set(range(len(matchers)))
        # the budget also holds inside a matcher's pass: derive() stops it (OutOfTime) once
        # the deadline is past; facts are recorded whole, so the state stays consistent
        self.deadline = start + budget.timeout
        try:
            while True:
                if goal is not None and self.implied(goal):
                    status = "solved"
                    break
                if time.monotonic() - start > budget.timeout or len(self.facts) > budget.max_facts:
                    status = "timeout"
                    break
                if not dirty:
                    if goal is not None and self.fact_id(goal) is not None:
                        status = "solved"
                    break
                iterations += 1
                i = min(dirty)  # the cheapest matcher with new input
                dirty.discard(i)
                self.touched.clear()
                matchers[i].run(self)
                for ch in self.touched:
                    dirty.update(readers.get(ch, ()))
        except OutOfTime:
            status = "solved" if goal is not None and self.implied(goal) else "timeout"
        finally:
            self.deadline = None
        goal_fact = self.fact_id(goal) if goal is not None and status == "solved" else None
        if status == "solved" and goal_fact is None:
            status = "unsolved"
        if goal is None and status == "unsolved":
            status = "saturated"
        return Result(status, goal_fact, len(self.facts), time.monotonic() - start, iterations, self)


#: Kinds whose points pair up into lines or segments (a pair of equal points says nothing).
_SEGMENT_KINDS = frozenset(
    {Kind.PARA, Kind.PERP, Kind.CONG, Kind.EQANGLE, Kind.EQRATIO, Kind.ACONST, Kind.RCONST, Kind.R2CONST,
     Kind.LCONST, Kind.L2CONST}
)


def _degenerate(p: Predicate) -> bool:
    """Predicates with a zero-length segment say nothing."""
    k, a = p.kind, p.points
    if k in _SEGMENT_KINDS:
        return any(a[i] == a[i + 1] for i in range(0, 2 * (len(a) // 2), 2))
    return False


def _normalise_given(p: Predicate) -> list[Predicate]:
    """Premises as the engine stores them (numeric-only ones are dropped)."""
    if p.kind in NUMERIC_ONLY:
        return []
    if p.kind is Kind.S_ANGLE:
        a, b, x = p.points
        return [Predicate(Kind.ACONST, (b, a, b, x, p.literals[0]))]
    if p.kind is Kind.EQANGLE6:
        return [Predicate(Kind.EQANGLE, p.args)]
    if p.kind is Kind.EQRATIO6:
        return [Predicate(Kind.EQRATIO, p.args)]
    return [p]


def _instantiate_rule(rule: Rule, binding: dict[str, str]) -> list[Predicate]:
    return [
        Predicate(c.kind, tuple(binding.get(x, x) if isinstance(x, str) else x for x in c.args))
        for c in rule.conclusions
    ]
