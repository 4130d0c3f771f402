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

import time
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Callable, Iterable

from geometry.diagram import Diagram
from geometry.literals import Literal
from geometry.predicates import NUMERIC_ONLY, Kind, Predicate

from .algebra import ANGLE_KINDS, LENGTH_KINDS, RATIO_KINDS, Algebra, seg
from .facts import ARApp, Fact, Given, Reason, RuleApp
from .index import NumericIndex
from .rules import Rule, load_rules


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
    engine: "Engine" = field(repr=False)

    @property
    def solved(self) -> bool:
        return self.status == "solved"


def P(kind: str, *args: str | Literal) -> Predicate:
    return Predicate.of(kind, *args)


class Engine:
    """The deductive database of one problem, with its AR tables and numeric index."""

    def __init__(self, diagram: Diagram, *, with_aux: bool = True, rules: dict[str, Rule] | None = None) -> None:
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
        self._cyclic_done: set[frozenset[str]] = set()
        self._circle_done: set[tuple[str, frozenset[str]]] = set()
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
            derived_in = reason.table if isinstance(reason, ARApp) and k is not Kind.COLL else None
            self.ar.add(fid, key, skip=derived_in)
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
            found = self.ar.explain(key)
            if found is None:
                return None
            table, expl = found
            if not expl:  # an identity such as AB = AB
                return self._record(key, RuleApp("refl", ()))
            ids = tuple(i for i, _ in expl)
            return self._record(key, ARApp(table, ids, tuple(m for _, m in expl)))
        if k is Kind.MIDP:
            m, x, y = key.points
            return self._via("m01", key, [P("cong", m, x, m, y), P("coll", m, x, y)])
        if k is Kind.CIRCLE:
            o, a, b, c = key.points
            return self._via("c03", key, [P("cong", o, a, o, b), P("cong", o, a, o, c)])
        if k in (Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2):
            a = key.points
            self._try_triangles((a[0], a[1], a[2]), (a[3], a[4], a[5]), k in (Kind.SIMTRI2, Kind.CONTRI2))
            return self.known.get(key)
        return None

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

    def derive(self, rule: str, concl: Predicate, premises: Iterable[Predicate]) -> bool:
        """Apply ``rule``: if every premise is proven and ``concl`` is new, add it."""
        if self.implied(concl) or _degenerate(concl.canonical()):
            return False
        prem = list(premises)
        if not all(self.implied(p) for p in prem):
            return False
        if not concl.holds(self.pts):
            self.rejected += 1
            return False
        ids = []
        for p in prem:
            fid = self.fact_id(p)
            if fid is None:
                return False
            ids.append(fid)
        return self._record(concl, RuleApp(rule, tuple(ids))) is not None

    # ------------------------------------------------------------------ saturation
    def prove(self, goal: Predicate | None, budget: Budget = Budget()) -> Result:
        """Saturate until ``goal`` holds (or a fixpoint, or the budget is spent)."""
        start = time.monotonic()
        iterations = 0
        status = "unsolved"
        while True:
            if goal is not None and self.implied(goal):
                status = "solved"
                break
            if time.monotonic() - start > budget.timeout or len(self.facts) > budget.max_facts:
                status = "timeout"
                break
            iterations += 1
            new = 0
            for matcher in self.matchers():
                new += matcher()
                if goal is not None and self.implied(goal):
                    break
                if time.monotonic() - start > budget.timeout:
                    break
            if not new and not (goal is not None and self.implied(goal)):
                if goal is not None and self.fact_id(goal) is not None:
                    status = "solved"
                break
        goal_fact = self.fact_id(goal) if goal is not None and status == "solved" else None
        if status == "solved" and goal_fact is None:
            status = "unsolved"
        if goal is None and status == "unsolved":
            status = "saturated"
        return Result(status, goal_fact, len(self.facts), time.monotonic() - start, iterations, self)

    def matchers(self) -> list[Callable[[], int]]:
        return [
            self._m_collinear,
            self._m_cyclic_angles,
            self._m_cyclic_merge,
            self._m_centres,
            self._m_isosceles,
            self._m_perp_bisector,
            self._m_midpoints,
            self._m_cyclic_from_angles,
            self._m_collinear_midpoint_rules,
            self._m_triangles,
            self._m_parallel_transversals,
            self._m_converse_intercept,
            self._m_ratio_constants,
            self._m_bisectors,
        ]

    # ------------------------------------------------------------------ lines
    def _m_collinear(self) -> int:
        """r28: materialise collinear triples that angle chasing proves (they feed the length table)."""
        new = 0
        for line in self.index.lines:
            for tri in combinations(line, 3):
                pred = P("coll", *tri)
                if pred.canonical() not in self.known and self.ar.implies(pred):
                    new += self.fact_id(pred) is not None
        return new

    # ------------------------------------------------------------------ circles
    def _m_cyclic_angles(self) -> int:
        """r03: each concyclic quadruple gives its inscribed-angle equalities."""
        new = 0
        for quad, fid in list(self.cyclic4.items()):
            if quad in self._cyclic_done:
                continue
            self._cyclic_done.add(quad)
            a, b, p, q = self.index.order(quad)
            for (x, y), (u, v) in (((a, b), (p, q)), ((a, p), (b, q)), ((a, q), (b, p))):
                concl = P("eqangle", u, x, u, y, v, x, v, y)
                if not self.implied(concl) and concl.holds(self.pts):
                    self._record(concl, RuleApp("r03", (fid,)))
                    new += 1
        return new

    def _m_cyclic_from_angles(self) -> int:
        """r04: equal angles over a chord make four points concyclic."""
        new = 0
        for circ in self.index.circles:
            for quad in combinations(circ, 4):
                if frozenset(quad) in self.cyclic4:
                    continue
                a, b, p, q = quad
                for (x, y), (u, v) in (((a, b), (p, q)), ((a, p), (b, q)), ((a, q), (b, p))):
                    if self.derive("r04", P("cyclic", *quad), [P("eqangle", u, x, u, y, v, x, v, y)]):
                        new += 1
                        break
        return new

    def _m_cyclic_merge(self) -> int:
        """c01: concyclic quadruples sharing three points lie on one circle."""
        new = 0
        changed = True
        while changed:
            changed = False
            for circ in self.index.circles:
                members = set(circ)
                quads = [q for q in self.cyclic4 if q <= members]
                for q1, q2 in combinations(quads, 2):
                    if len(q1 & q2) != 3:
                        continue
                    union = q1 | q2
                    for q in combinations(self.index.order(union), 4):
                        fq = frozenset(q)
                        if fq in self.cyclic4:
                            continue
                        self._record(P("cyclic", *q), RuleApp("c01", (self.cyclic4[q1], self.cyclic4[q2])))
                        new += 1
                        changed = True
        return new

    def _equal_classes(self, o: str, group: tuple[str, ...]) -> list[list[str]]:
        """Split points seen at one numeric distance from ``o`` into proven-equal classes."""
        classes: dict[tuple, list[str]] = {}
        for x in group:
            key = self.ar.ratios.residual({seg(o, x): 1})
            classes.setdefault((key[0], key[1]), []).append(x)
        return [c for c in classes.values() if len(c) >= 2]

    def _m_centres(self) -> int:
        """c03, c02, r01, r49: circles with a known centre."""
        new = 0
        for o, groups in self.index.equidistant.items():
            for group in groups:
                for cls in self._equal_classes(o, group):
                    new += self._centre_class(o, cls)
        for circ in self.index.circles:
            o = self.index.centre_of.get(circ)
            if o is None:
                continue
            on = [x for x in circ if self.implied(P("cong", o, circ[0], o, x))]
            if len(on) < 3:
                continue
            a, b, c = on[:3]
            for x in circ:
                if x in on:
                    continue
                if self.derive("r49", P("cong", o, a, o, x), [P("circle", o, a, b, c), P("cyclic", a, b, c, x)]):
                    new += 1
        return new

    def _centre_class(self, o: str, cls: list[str]) -> int:
        new = 0
        if len(cls) >= 4:
            m0, m1, m2 = cls[:3]
            for x in cls[3:]:
                if self.derive(
                    "r01",
                    P("cyclic", m0, m1, m2, x),
                    [P("cong", o, m0, o, m1), P("cong", o, m1, o, m2), P("cong", o, m2, o, x)],
                ):
                    new += 1
        if len(cls) < 3:
            return new
        for tri in combinations(cls, 3):
            key = (o, frozenset(tri))
            if key in self._circle_done:
                continue
            if self.index.collinear(*tri):
                continue
            self._circle_done.add(key)
            cid = self.fact_id(P("circle", o, *tri))
            if cid is None:
                continue
            for a in tri:
                b, c = [t for t in tri if t != a]
                concl = Predicate.parse(f"aequation 1/1 {a} {b} {a} {c} -1/1 {o} {b} {b} {c} 1pi/2".split())
                if not self.implied(concl) and concl.holds(self.pts):
                    self._record(concl, RuleApp("c02", (cid,)))
                    new += 1
        return new

    # ------------------------------------------------------------------ isosceles, bisectors
    def _m_isosceles(self) -> int:
        """r13 / r14: equal legs <=> equal base angles."""
        new = 0
        for o, groups in self.index.equidistant.items():
            for group in groups:
                for a, b in combinations(group, 2):
                    if self.index.collinear(o, a, b):
                        continue
                    legs = P("cong", o, a, o, b)
                    angles = P("eqangle", o, a, a, b, a, b, o, b)
                    if self.implied(legs):
                        new += self.derive("r13", angles, [legs])
                    elif self.implied(angles):
                        new += self.derive("r14", legs, [angles])
        return new

    def _m_perp_bisector(self) -> int:
        """r23: two points equidistant from A and B; r22: the converse through a midpoint."""
        new = 0
        spans: dict[tuple[str, str], list[str]] = {}
        for o, groups in self.index.equidistant.items():
            for group in groups:
                for cls in self._equal_classes(o, group):
                    for a, b in combinations(cls, 2):
                        spans.setdefault((a, b), []).append(o)
        for (a, b), centres in spans.items():
            for p, q in combinations(centres, 2):
                new += self.derive("r23", P("perp", a, b, p, q), [P("cong", p, a, p, b), P("cong", q, a, q, b)])
        for (m, a, b) in list(self.midps):
            for o in self.index.names:
                if o in (m, a, b):
                    continue
                if abs(abs(self.pts[o] - self.pts[a]) - abs(self.pts[o] - self.pts[b])) > 1e-6 * abs(
                    self.pts[a] - self.pts[b]
                ):
                    continue
                new += self.derive("r22", P("cong", o, a, o, b), [P("midp", m, a, b), P("perp", o, m, a, b)])
        return new

    def _m_bisectors(self) -> int:
        """r12 / r11: the angle bisector theorem and its converse."""
        new = 0
        P_ = self.pts
        for line in self.index.lines:
            for b, c in combinations(line, 2):
                for d in line:
                    if d in (b, c):
                        continue
                    db, dc = abs(P_[d] - P_[b]), abs(P_[d] - P_[c])
                    for a in self.index.names:
                        if a in line:
                            continue
                        ab, ac = abs(P_[a] - P_[b]), abs(P_[a] - P_[c])
                        if abs(db * ac - dc * ab) > 1e-6 * max(db * ac, 1e-9):
                            continue
                        angle = P("eqangle", a, b, a, d, a, d, a, c)
                        ratio = P("eqratio", d, b, d, c, a, b, a, c)
                        coll = P("coll", d, b, c)
                        if self.implied(angle):
                            new += self.derive("r12", ratio, [angle, coll])
                        elif self.implied(ratio):
                            new += self.derive("r11", angle, [ratio, coll])
        return new

    # ------------------------------------------------------------------ midpoints
    def _m_midpoints(self) -> int:
        """m01: a point on a segment equidistant from its ends is its midpoint."""
        new = 0
        for m, a, b in self.index.midpoints:
            if (m, *sorted((a, b))) in self.midps:
                continue
            new += self.derive("m01", P("midp", m, a, b), [P("cong", m, a, m, b), P("coll", m, a, b)])
        return new

    def _m_collinear_midpoint_rules(self) -> int:
        """r06 midline, r25/r26 parallelograms, r19 hypotenuse midpoint."""
        new = 0
        mids = sorted(self.midps)
        for (e, a1, b1), (f, a2, b2) in combinations(mids, 2):
            if e == f:
                # r25: a common midpoint makes a parallelogram
                for x, y in ((a2, b2), (b2, a2)):
                    new += self.derive("r25", P("para", a1, x, b1, y), [P("midp", e, a1, b1), P("midp", f, a2, b2)])
                continue
            shared = {a1, b1} & {a2, b2}
            if len(shared) != 1:
                continue
            a = shared.pop()
            b = b1 if a1 == a else a1
            c = b2 if a2 == a else a2
            new += self.derive("r06", P("para", e, f, b, c), [P("midp", e, a, b), P("midp", f, a, c)])
        for m, a, c in mids:
            for b in self.index.names:
                if b in (m, a, c) or not P("perp", a, b, b, c).holds(self.pts):
                    continue
                new += self.derive("r19", P("cong", a, m, b, m), [P("perp", a, b, b, c), P("midp", m, a, c)])
        for m, c, d in self.index.midpoints:
            for (mm, a, b) in mids:
                if mm != m or {a, b} == {c, d}:
                    continue
                new += self.derive(
                    "r26", P("midp", m, c, d), [P("midp", m, a, b), P("para", a, c, b, d), P("para", a, d, b, c)]
                )
        return new

    def _m_parallel_transversals(self) -> int:
        """r42: three parallel lines cut two transversals in proportional segments."""
        new = 0
        lines = self.index.lines
        P_ = self.pts
        for t1, t2 in combinations(lines, 2):
            for p in combinations(t1, 3):
                for q in combinations(t2, 3):
                    if set(p) & set(q):
                        continue
                    for perm in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
                        qq = [q[i] for i in perm]
                        d0 = P_[qq[0]] - P_[p[0]]
                        if not all(
                            abs((d0.conjugate() * (P_[qq[i]] - P_[p[i]])).imag)
                            <= 1e-6 * abs(d0) * abs(P_[qq[i]] - P_[p[i]])
                            for i in (1, 2)
                        ):
                            continue
                        new += self._transversals(p, qq)
        return new

    def _m_converse_intercept(self) -> int:
        """r27: OA/AC = OB/BD on two lines through O make AB parallel to CD."""
        new = 0
        P_ = self.pts
        for o in self.index.names:
            through = [line for line in self.index.lines if o in line]
            for l1, l2 in combinations(through, 2):
                for a, c in _ordered_pairs([x for x in l1 if x != o]):
                    for b, d in _ordered_pairs([x for x in l2 if x != o]):
                        u, v = P_[b] - P_[a], P_[d] - P_[c]
                        if abs((u.conjugate() * v).imag) > 1e-6 * abs(u) * abs(v):
                            continue
                        new += self.derive(
                            "r27",
                            P("para", a, b, c, d),
                            [P("eqratio", o, a, a, c, o, b, b, d), P("coll", o, a, c), P("coll", o, b, d)],
                        )
        return new

    def _m_ratio_constants(self) -> int:
        """Constant ratios of segments on one line (ratio chasing), entered into the length table."""
        new = 0
        P_ = self.pts
        for line in self.index.lines:
            segs = list(combinations(line, 2))
            for (a, b), (c, d) in combinations(segs, 2):
                r = _small_fraction(abs(P_[b] - P_[a]) / abs(P_[d] - P_[c]))
                if r is None or r == 1:
                    continue
                pred = Predicate(Kind.RCONST, (a, b, c, d, Literal(f"{r.numerator}/{r.denominator}")))
                if pred.canonical() not in self.known and self.ar.implies(pred):
                    new += self.fact_id(pred) is not None
        return new

    def _transversals(self, p: tuple[str, ...], q: list[str]) -> int:
        """Points p0 p1 p2 on one line, q0 q1 q2 on another, p_i q_i parallel (numerically)."""
        new = 0
        for m in range(3):
            a, d = [i for i in range(3) if i != m]
            ratio = P("eqratio", p[m], p[a], p[m], p[d], q[m], q[a], q[m], q[d])
            bases = P("para", p[a], q[a], p[d], q[d])
            colls = [P("coll", p[m], p[a], p[d]), P("coll", q[m], q[a], q[d])]
            middle = P("para", p[m], q[m], p[a], q[a])
            new += self.derive("r42", ratio, [bases, middle, *colls])
            new += self.derive("r41", middle, [bases, *colls, ratio])
        return new

    # ------------------------------------------------------------------ triangles
    def _m_triangles(self) -> int:
        new = 0
        for t, u, mirrored in self.index.similar_triangles():
            new += self._try_triangles(t, u, mirrored)
        return new

    def _try_triangles(self, t: tuple[str, str, str], u: tuple[str, str, str], mirrored: bool) -> int:
        a, b, c = t
        p, q, r = u
        sim = P("simtri2" if mirrored else "simtri", a, b, c, p, q, r)
        con = P("contri2" if mirrored else "contri", a, b, c, p, q, r)
        if sim.canonical() in self.known and con.canonical() in self.known:
            return 0
        if not sim.holds(self.pts):
            return 0
        congruent = con.holds(self.pts)
        if congruent and con.canonical() in self.known:
            return 0

        def ang(x, y, z, xx, yy, zz):  # angle at y equals angle at yy (orientation aware)
            if mirrored:
                return P("eqangle", y, x, y, z, yy, zz, yy, xx)
            return P("eqangle", y, x, y, z, yy, xx, yy, zz)

        A = ang(b, a, c, q, p, r)
        B = ang(a, b, c, p, q, r)
        C = ang(a, c, b, p, r, q)
        rab = P("eqratio", a, b, a, c, p, q, p, r)
        rba = P("eqratio", b, a, b, c, q, p, q, r)
        rca = P("eqratio", c, a, c, b, r, p, r, q)
        sides = [P("cong", a, b, p, q), P("cong", b, c, q, r), P("cong", c, a, r, p)]
        m = "m" if mirrored else ""
        new = 0
        if congruent and con.canonical() not in self.known:
            cg = [self.implied(s) for s in sides]
            if all(cg):
                new += self.derive("r32" + m, con, sides)
            else:
                for s1, s2, angle in ((0, 1, B), (1, 2, C), (2, 0, A)):
                    if cg[s1] and cg[s2] and self.implied(angle):
                        new += self.derive("r33" + m, con, [sides[s1], sides[s2], angle])
                        break
        if sim.canonical() not in self.known:
            angs = [self.implied(x) for x in (A, B, C)]
            if sum(angs) >= 2:
                two = [x for x, ok in zip((A, B, C), angs) if ok][:2]
                new += self.derive("r35" if mirrored else "r34", sim, two)
            else:
                for ratio, i in ((rab, 0), (rba, 1), (rca, 2)):
                    if angs[i] and self.implied(ratio):
                        new += self.derive("r39" + m, sim, [ratio, (A, B, C)[i]])
                        break
                else:
                    if self.implied(rba) and self.implied(rca):
                        new += self.derive("r38" + m, sim, [rba, rca])
        if congruent and sim.canonical() in self.known and con.canonical() not in self.known:
            for s in sides:
                if self.implied(s):
                    new += self.derive("t07" if mirrored else "t06", con, [sim, s])
                    break
        return new


def _small_fraction(x: float, max_den: int = 6) -> Fraction | None:
    """``x`` as p/q with small p, q if it is one (numerically)."""
    f = Fraction(x).limit_denominator(max_den)
    if f.numerator == 0 or f.numerator > 12 or abs(float(f) - x) > 1e-9 * max(1.0, x):
        return None
    return f


def _ordered_pairs(items: list[str]) -> list[tuple[str, str]]:
    return [(x, y) for x in items for y in items if x != y]


def _degenerate(p: Predicate) -> bool:
    """Predicates with a zero-length segment say nothing."""
    k, a = p.kind, p.points
    if k in (Kind.PARA, Kind.PERP, Kind.CONG, Kind.EQANGLE, Kind.EQRATIO, Kind.ACONST, Kind.RCONST):
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
