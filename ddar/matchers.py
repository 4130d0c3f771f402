"""The rule matchers of DD: one function per family of rules.

Each matcher reads candidates off the numeric index (``db.index``) and fires a rule
through :meth:`Engine.derive` when the rule's premises are proven; it returns the
number of new facts. :data:`MATCHERS` lists them in the order saturation runs them.
"""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations, permutations
from math import comb, isqrt
from typing import TYPE_CHECKING, NamedTuple

from geometry.literals import Literal
from geometry.predicates import Kind, Predicate
from geometry.tolerance import NUMERIC_CHECK, RATIONAL_MATCH, SCALE_FLOOR

from .algebra import Table, Terms, angle_equations, seg
from .equations import segment_sum
from .facts import RuleApp
from .registry import Matcher, register
from .rules import _bind

if TYPE_CHECKING:
    from .engine import Engine


def P(kind: str, *args: str | Literal) -> Predicate:
    return Predicate.of(kind, *args)


# ------------------------------------------------------------------ lines
def collinear(db: Engine) -> int:
    """r28: materialise collinear triples that angle chasing proves (they feed the length table)."""
    new = 0
    for line in db.index.lines:
        for tri in combinations(line, 3):
            pred = P("coll", *tri)
            if pred.canonical() not in db.known and db.ar.implies(pred):
                new += db.fact_id(pred) is not None
    return new

# ------------------------------------------------------------------ circles
def cyclic_angles(db: Engine) -> int:
    """r03: each concyclic quadruple gives its inscribed-angle equalities."""
    new = 0
    done = db.memo("cyclic_angles")
    for quad, fid in list(db.cyclic4.items()):
        if quad in done:
            continue
        db.check_time()
        done.add(quad)
        a, b, p, q = db.index.order(quad)
        for (x, y), (u, v) in (((a, b), (p, q)), ((a, p), (b, q)), ((a, q), (b, p))):
            concl = P("eqangle", u, x, u, y, v, x, v, y)
            if not db.implied(concl) and concl.holds(db.pts):
                db.record(concl, RuleApp("r03", (fid,)))
                new += 1
    return new

def cyclic_from_angles(db: Engine) -> int:
    """r04: equal angles over a chord make four points concyclic."""
    new = 0
    for circ in db.index.circles:
        for quad in combinations(circ, 4):
            if frozenset(quad) in db.cyclic4:
                continue
            a, b, p, q = quad
            for (x, y), (u, v) in (((a, b), (p, q)), ((a, p), (b, q)), ((a, q), (b, p))):
                if db.derive("r04", P("cyclic", *quad), [P("eqangle", u, x, u, y, v, x, v, y)]):
                    new += 1
                    break
    return new

def cyclic_merge(db: Engine) -> int:
    """c01: concyclic quadruples sharing three points lie on one circle.

    The pairs of a circle's known quadruples that share three points are found through those
    triples (a 12-point circle has 495 quadruples, 122,265 pairs, of which 7,920 share three
    points), in the order of all pairs; a circle whose every four points are known concyclic
    has nothing to merge and is passed over. The saturation's deadline is checked as it goes,
    as no rule application here goes through :meth:`Engine.derive` (which checks it)."""
    new = 0
    changed = True
    while changed:
        changed = False
        for circ in db.index.circles:
            db.check_time()
            members = set(circ)
            quads = [q for q in db.cyclic4 if q <= members]
            if len(quads) == comb(len(members), 4):
                continue
            sharing: dict[frozenset[str], list[int]] = {}  # three points -> the quadruples with them
            for i, q in enumerate(quads):
                for t in combinations(q, 3):
                    sharing.setdefault(frozenset(t), []).append(i)
            for i, q1 in enumerate(quads):
                db.check_time()
                for j in sorted({j for t in combinations(q1, 3) for j in sharing[frozenset(t)] if j > i}):
                    q2 = quads[j]
                    union = q1 | q2
                    for q in combinations(db.index.order(union), 4):
                        fq = frozenset(q)
                        if fq in db.cyclic4:
                            continue
                        db.record(P("cyclic", *q), RuleApp("c01", (db.cyclic4[q1], db.cyclic4[q2])))
                        new += 1
                        changed = True
    return new

def equal_classes(db: Engine, o: str, group: tuple[str, ...]) -> list[list[str]]:
    """Split points seen at one numeric distance from ``o`` into proven-equal classes."""
    classes: dict[tuple, list[str]] = {}
    for x in group:
        key = db.ar.ratios.residual({seg(o, x): 1})
        classes.setdefault((key[0], key[1]), []).append(x)
    return [c for c in classes.values() if len(c) >= 2]

def centres(db: Engine) -> int:
    """c03, c02, r01, r49: circles with a known centre."""
    new = 0
    for o, groups in db.index.equidistant.items():
        for group in groups:
            for cls in equal_classes(db, o, group):
                new += centre_class(db, o, cls)
    for circ in db.index.circles:
        o = db.index.centre_of.get(circ)
        if o is None:
            continue
        # the points proven at one distance from the centre: anchored at each point in turn (the
        # first may be the very point not yet known to be on the circle)
        for anchor in circ:
            on = [x for x in circ if x == anchor or db.implied(P("cong", o, anchor, o, x))]
            if len(on) >= 3:
                break
        else:
            continue
        a, b, c = on[:3]
        for x in circ:
            if x in on:
                continue
            if db.derive("r49", P("cong", o, a, o, x), [P("circle", o, a, b, c), P("cyclic", a, b, c, x)]):
                new += 1
    return new

def chord_bisectors(db: Engine) -> int:
    """r52: a point equidistant from the ends of two chords of a circle (not parallel) is its centre."""
    new = 0
    for circ in db.index.circles:
        o = db.index.centre_of.get(circ)
        if o is None:
            continue
        pairs = [(a, b) for a, b in combinations(circ, 2) if o not in (a, b) and db.implied(P("cong", o, a, o, b))]
        for (a, b), (c, d) in combinations(pairs, 2):
            if len({a, b, c, d}) < 4:
                continue
            concl = P("cong", o, a, o, c)
            if db.implied(concl):
                continue
            new += db.derive("r52", concl, [P("cong", o, a, o, b), P("cong", o, c, o, d), P("cyclic", a, b, c, d)])
    return new


def arc_midpoints(db: Engine) -> int:
    """r53: D on the circle ABC with DA = DB: a bisector CD of the angle at C puts D on the circle."""
    new = 0
    for circ in db.index.circles:
        on = set(circ)
        for d in circ:
            for group in db.index.equidistant.get(d, ()):
                for a, b in combinations([x for x in group if x in on], 2):
                    for c in circ:
                        if c in (a, b, d) or frozenset((a, b, c, d)) in db.cyclic4:
                            continue
                        new += db.derive(
                            "r53", P("cyclic", a, b, c, d), [P("eqangle", c, a, c, d, c, d, c, b), P("cong", d, a, d, b)]
                        )
    return new


def centre_class(db: Engine, o: str, cls: list[str]) -> int:
    new = 0
    if len(cls) >= 4:
        m0, m1, m2 = cls[:3]
        for x in cls[3:]:
            if db.derive(
                "r01",
                P("cyclic", m0, m1, m2, x),
                [P("cong", o, m0, o, m1), P("cong", o, m1, o, m2), P("cong", o, m2, o, x)],
            ):
                new += 1
    if len(cls) < 3:
        return new
    done = db.memo("centres")
    for tri in combinations(cls, 3):
        key = (o, frozenset(tri))
        if key in done:
            continue
        if db.index.collinear(*tri):
            continue
        done.add(key)
        cid = db.fact_id(P("circle", o, *tri))
        if cid is None:
            continue
        for a in tri:
            b, c = [t for t in tri if t != a]
            concl = Predicate.parse(f"aequation 1/1 {a} {b} {a} {c} -1/1 {o} {b} {b} {c} 1pi/2".split())
            if not db.implied(concl) and concl.holds(db.pts):
                db.record(concl, RuleApp("c02", (cid,)))
                new += 1
    return new

# ------------------------------------------------------------------ isosceles, bisectors
def isosceles(db: Engine) -> int:
    """r13 / r14: equal legs <=> equal base angles."""
    new = 0
    for o, groups in db.index.equidistant.items():
        for group in groups:
            for a, b in combinations(group, 2):
                if db.index.collinear(o, a, b):
                    continue
                legs = P("cong", o, a, o, b)
                angles = P("eqangle", o, a, a, b, a, b, o, b)
                if db.implied(legs):
                    new += db.derive("r13", angles, [legs])
                elif db.implied(angles):
                    new += db.derive("r14", legs, [angles])
    return new

def isosceles_trapezoids(db: Engine) -> int:
    """r46: parallel bases AB, CD and equal legs AD = BC, the legs not parallel (read off the
    figure: a parallelogram has parallel bases and equal legs too)."""
    new = 0
    P_ = db.pts
    for group in db.index.equal_segments:
        for (a, d), (b, c) in combinations(group, 2):
            if len({a, b, c, d}) < 4:
                continue
            for x, y, z, w in ((a, b, c, d), (a, c, b, d), (d, b, c, a), (d, c, b, a)):
                # legs x-w and y-z, bases x-y and z-w
                u, v = P_[y] - P_[x], P_[w] - P_[z]
                if abs((u.conjugate() * v).imag) > NUMERIC_CHECK * abs(u) * abs(v):
                    continue
                concl = P("eqangle", w, x, x, y, x, y, y, z)
                new += db.derive("r46", concl, [P("para", x, y, z, w), P("cong", x, w, y, z)])
    return new


def perp_bisector(db: Engine) -> int:
    """r23: two points equidistant from A and B; r22: the converse through a midpoint."""
    new = 0
    spans: dict[tuple[str, str], list[str]] = {}
    for o, groups in db.index.equidistant.items():
        for group in groups:
            for cls in equal_classes(db, o, group):
                for a, b in combinations(cls, 2):
                    spans.setdefault((a, b), []).append(o)
    for (a, b), centres in spans.items():
        for p, q in combinations(centres, 2):
            new += db.derive("r23", P("perp", a, b, p, q), [P("cong", p, a, p, b), P("cong", q, a, q, b)])
    for (m, a, b) in list(db.midps):
        for o in db.index.names:
            if o in (m, a, b):
                continue
            if abs(abs(db.pts[o] - db.pts[a]) - abs(db.pts[o] - db.pts[b])) > NUMERIC_CHECK * abs(
                db.pts[a] - db.pts[b]
            ):
                continue
            new += db.derive("r22", P("cong", o, a, o, b), [P("midp", m, a, b), P("perp", o, m, a, b)])
    return new

def bisectors(db: Engine) -> int:
    """r12 / r11: the angle bisector theorem and its converse."""
    new = 0
    P_ = db.pts
    for line in db.index.lines:
        for b, c in combinations(line, 2):
            for d in line:
                if d in (b, c):
                    continue
                to_b, to_c = abs(P_[d] - P_[b]), abs(P_[d] - P_[c])
                for a in db.index.names:
                    if a in line:
                        continue
                    ab, ac = abs(P_[a] - P_[b]), abs(P_[a] - P_[c])
                    if abs(to_b * ac - to_c * ab) > NUMERIC_CHECK * max(to_b * ac, SCALE_FLOOR):
                        continue
                    angle = P("eqangle", a, b, a, d, a, d, a, c)
                    ratio = P("eqratio", d, b, d, c, a, b, a, c)
                    coll = P("coll", d, b, c)
                    if db.implied(angle):
                        new += db.derive("r12", ratio, [angle, coll])
                    elif db.implied(ratio):
                        new += db.derive("r11", angle, [ratio, coll])
    return new

def bisector_points(db: Engine) -> int:
    """r51: a point on the bisectors of two angles of a triangle lies on the bisector of the
    third. The candidates (a point on a bisector of each angle) are read off the figure once."""
    new = 0
    for x, (a, b, c) in db.index.bisector_centres:
        for u, v, w in ((a, b, c), (b, c, a), (c, a, b)):
            concl = P("eqangle", w, u, w, x, w, x, w, v)
            if concl.canonical() in db.known:
                continue
            new += db.derive("r51", concl, [P("eqangle", u, v, u, x, u, x, u, w), P("eqangle", v, u, v, x, v, x, v, w)])
    return new


# ------------------------------------------------------------------ midpoints
def midpoints(db: Engine) -> int:
    """m01: a point on a segment equidistant from its ends is its midpoint."""
    new = 0
    for m, a, b in db.index.midpoints:
        if (m, *sorted((a, b))) in db.midps:
            continue
        new += db.derive("m01", P("midp", m, a, b), [P("cong", m, a, m, b), P("coll", m, a, b)])
    return new

def collinear_midpoint_rules(db: Engine) -> int:
    """r06 midline, r25/r26 parallelograms, r19 hypotenuse midpoint."""
    new = 0
    mids = sorted(db.midps)
    for (e, a1, b1), (f, a2, b2) in combinations(mids, 2):
        if e == f:
            # r25: a common midpoint makes a parallelogram
            for x, y in ((a2, b2), (b2, a2)):
                new += db.derive("r25", P("para", a1, x, b1, y), [P("midp", e, a1, b1), P("midp", f, a2, b2)])
            continue
        shared = {a1, b1} & {a2, b2}
        if len(shared) != 1:
            continue
        a = shared.pop()
        b = b1 if a1 == a else a1
        c = b2 if a2 == a else a2
        new += db.derive("r06", P("para", e, f, b, c), [P("midp", e, a, b), P("midp", f, a, c)])
    for m, a, c in mids:
        for b in db.index.names:
            if b in (m, a, c) or not P("perp", a, b, b, c).holds(db.pts):
                continue
            new += db.derive("r19", P("cong", a, m, b, m), [P("perp", a, b, b, c), P("midp", m, a, c)])
    for m, c, d in db.index.midpoints:
        for (mm, a, b) in mids:
            if mm != m or {a, b} == {c, d}:
                continue
            new += db.derive(
                "r26", P("midp", m, c, d), [P("midp", m, a, b), P("para", a, c, b, d), P("para", a, d, b, c)]
            )
    return new

def parallel_transversals(db: Engine) -> int:
    """r42: three parallel lines cut two transversals in proportional segments."""
    new = 0
    lines = db.index.lines
    P_ = db.pts
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
                        <= NUMERIC_CHECK * abs(d0) * abs(P_[qq[i]] - P_[p[i]])
                        for i in (1, 2)
                    ):
                        continue
                    new += transversals(db, p, qq)
    return new

def converse_intercept(db: Engine) -> int:
    """r27: OA/AC = OB/BD on two lines through O make AB parallel to CD."""
    new = 0
    P_ = db.pts
    for o in db.index.names:
        through = [line for line in db.index.lines if o in line]
        for l1, l2 in combinations(through, 2):
            for a, c in _ordered_pairs([x for x in l1 if x != o]):
                for b, d in _ordered_pairs([x for x in l2 if x != o]):
                    u, v = P_[b] - P_[a], P_[d] - P_[c]
                    if abs((u.conjugate() * v).imag) > NUMERIC_CHECK * abs(u) * abs(v):
                        continue
                    colls = [P("coll", o, a, c), P("coll", o, b, d)]
                    para = P("para", a, b, c, d)
                    segments = P("eqratio", o, a, a, c, o, b, b, d)
                    new += db.derive("r27", para, [segments, *colls])
                    new += db.derive("r43", segments, [para, *colls])
    return new


def _products(db: Engine, rid: str, binding: dict[str, str], premises: list[Predicate]) -> int:
    """Fire Menelaus (r44) or Ceva (r45): a product of three ratios equal to one."""
    return db.derive(rid, _bind(db.rules[rid].conclusions[0], binding), premises)


def menelaus(db: Engine) -> int:
    """r44: a line meeting the three side lines of a triangle at D, E, F (one line each)."""
    new = 0
    lines = db.index.lines
    through: dict[str, list[tuple[str, ...]]] = {}
    for line in lines:
        for x in line:
            through.setdefault(x, []).append(line)
    for t in lines:
        on_t = set(t)
        for d, e, f in combinations(t, 3):
            for ld in through[d]:
                if ld == t:
                    continue
                for le in through[e]:
                    if le in (t, ld):
                        continue
                    c = _meet(ld, le, on_t)
                    if c is None:
                        continue
                    for lf in through[f]:
                        if lf in (t, ld, le):
                            continue
                        a, b = _meet(le, lf, on_t), _meet(lf, ld, on_t)
                        if a is None or b is None or len({a, b, c}) < 3:
                            continue
                        binding = dict(A=a, B=b, C=c, D=d, E=e, F=f)
                        colls = [P("coll", d, b, c), P("coll", e, c, a), P("coll", f, a, b), P("coll", d, e, f)]
                        new += _products(db, "r44", binding, colls)
    return new


def ceva(db: Engine) -> int:
    """r45: three lines through O from the vertices of a triangle to the opposite side lines."""
    new = 0
    for o in db.index.names:
        cevians = [line for line in db.index.lines if o in line]
        for l1, l2, l3 in combinations(cevians, 3):
            for a, d in _ordered_pairs([x for x in l1 if x != o]):
                for b, e in _ordered_pairs([x for x in l2 if x != o]):
                    for c, f in _ordered_pairs([x for x in l3 if x != o]):
                        if not (
                            db.index.collinear(b, c, d)
                            and db.index.collinear(c, a, e)
                            and db.index.collinear(a, b, f)
                        ) or db.index.collinear(a, b, c):
                            continue
                        binding = dict(A=a, B=b, C=c, D=d, E=e, F=f, O=o)
                        premises = [
                            P("coll", d, b, c), P("coll", e, c, a), P("coll", f, a, b),
                            P("coll", a, o, d), P("coll", b, o, e), P("coll", c, o, f),
                        ]
                        new += _products(db, "r45", binding, premises)
    return new


def pappus(db: Engine) -> int:
    """r50: A, B, C on one line, P, Q, R on another; AQ and BP meet at X, AR and CP at Y,
    BR and CQ at Z (named points of the figure): X, Y, Z are collinear. The candidates are
    read off the figure once; each fires when its collinearities are proven."""
    memo = db.memo("pappus", dict)
    if memo.get("index") is not db.index:  # read once per figure (an extension rebuilds the index)
        memo["index"], memo["candidates"] = db.index, _pappus_candidates(db)
    new = 0
    for b in memo["candidates"]:
        concl = P("coll", b["X"], b["Y"], b["Z"])
        if concl.canonical() in db.known:
            continue
        premises = [_bind(p, b) for p in db.rules["r50"].facts]
        new += db.derive("r50", concl, premises)
    return new


def _pappus_candidates(db: Engine) -> list[dict[str, str]]:
    """Bindings of r50 whose configuration the figure shows (every meeting point named)."""
    index, out = db.index, []
    seen: set[frozenset[str]] = set()
    line_of = index.line_of
    for l1, l2 in combinations(index.lines, 2):
        s1, s2 = set(l1), set(l2)
        p1 = [x for x in l1 if x not in s2]
        p2 = [x for x in l2 if x not in s1]
        for a, b, c in combinations(p1, 3):
            for trio in combinations(p2, 3):
                for p, q, r in permutations(trio):
                    x = _common(line_of[(a, q)], line_of[(b, p)])
                    y = _common(line_of[(a, r)], line_of[(c, p)])
                    z = _common(line_of[(b, r)], line_of[(c, q)])
                    if x is None or y is None or z is None or len({x, y, z}) < 3:
                        continue
                    if frozenset((x, y, z)) in seen or not index.collinear(x, y, z):
                        continue
                    seen.add(frozenset((x, y, z)))
                    out.append(dict(A=a, B=b, C=c, P=p, Q=q, R=r, X=x, Y=y, Z=z))
    return out


def _common(l1: tuple[str, ...], l2: tuple[str, ...]) -> str | None:
    """The one named point two distinct lines share (None if they are one line or share none)."""
    if l1 == l2:
        return None
    common = [x for x in l1 if x in l2]
    return common[0] if len(common) == 1 else None


def _meet(l1: tuple[str, ...], l2: tuple[str, ...], avoid: set[str]) -> str | None:
    """The named point two lines share, if it is not on ``avoid``."""
    common = [x for x in l1 if x in l2]
    return common[0] if len(common) == 1 and common[0] not in avoid else None

def ratio_constants(db: Engine) -> int:
    """Constant ratios of segments on one line (ratio chasing), entered into the length table."""
    new = 0
    P_ = db.pts
    for line in db.index.lines:
        segs = list(combinations(line, 2))
        for (a, b), (c, d) in combinations(segs, 2):
            r = _small_fraction(abs(P_[b] - P_[a]) / abs(P_[d] - P_[c]))
            if r is None or r == 1:
                continue
            pred = Predicate(Kind.RCONST, (a, b, c, d, Literal(f"{r.numerator}/{r.denominator}")))
            if pred.canonical() not in db.known and db.ar.implies(pred):
                new += db.fact_id(pred) is not None
    return new

def transversals(db: Engine, p: tuple[str, ...], q: list[str]) -> int:
    """Points p0 p1 p2 on one line, q0 q1 q2 on another, p_i q_i parallel (numerically)."""
    new = 0
    for m in range(3):
        a, d = [i for i in range(3) if i != m]
        ratio = P("eqratio", p[m], p[a], p[m], p[d], q[m], q[a], q[m], q[d])
        bases = P("para", p[a], q[a], p[d], q[d])
        colls = [P("coll", p[m], p[a], p[d]), P("coll", q[m], q[a], q[d])]
        middle = P("para", p[m], q[m], p[a], q[a])
        new += db.derive("r42", ratio, [bases, middle, *colls])
        new += db.derive("r41", middle, [bases, *colls, ratio])
    return new

# ------------------------------------------------------------------ squared lengths
def _perp_spanning(l1: tuple[str, ...], l2: tuple[str, ...]) -> list[Predicate]:
    """Perpendicularities of two perpendicular lines that span all the others in the
    squared-length table: from the common point if they share one (Pythagoras), else from
    a first point of each line."""
    common = [x for x in l1 if x in l2]
    h1, h2 = (common[0], common[0]) if common else (l1[0], l2[0])
    return [P("perp", h1, x, h2, y) for x in l1 if x != h1 for y in l2 if y != h2]


#: Goals the squared-length table is asked for directly (Pythagoras with numbers among them).
_SQUARE_GOALS = frozenset(
    {Kind.CONG, Kind.PERP, Kind.LEQUATION, Kind.LCONST, Kind.L2CONST, Kind.RCONST, Kind.R2CONST}
)


def squared_lengths(db: Engine) -> int:
    """The squared-length table: right angles that angle chasing has proven enter it (one
    Pythagoras equation each); it then proves equal segments and right angles the other
    tables do not see (perpendicular diagonals, median lengths, feet of perpendiculars)."""
    new = 0
    angles, squares = db.ar.angles, db.ar.squares
    memo = db.memo("squared_lengths", dict)
    fed = memo.setdefault("fed", set())  # right angles entered into the table
    for l1, l2 in db.index.perpendicular_lines:
        for perp in _perp_spanning(l1, l2):
            key = perp.canonical()
            if key in db.known or key in fed:
                continue
            if all(angles.implies(c, k) for c, k in angle_equations(key)):
                fed.add(key)
                db.fact_id(key)  # materialised: its equation enters the squared-length table
    size = len(squares)
    if size == memo.get("seen"):  # the table's size when last searched to the end
        return new
    goal = db.goal
    if goal is not None and goal.kind in _SQUARE_GOALS:
        new += db.square_fact(goal) is not None
    for group in db.index.equal_segments:
        classes: dict[tuple, list[tuple[str, str]]] = {}
        for a, b in group:
            classes.setdefault(squares.residual({seg(a, b): 1}), []).append((a, b))
        for cls in classes.values():
            (a, b), rest = cls[0], cls[1:]
            for c, d in rest:
                db.check_time()
                new += db.square_fact(P("cong", a, b, c, d)) is not None
    for l1, l2 in db.index.perpendicular_lines:
        for perp in _perp_spanning(l1, l2):
            key = perp.canonical()
            if key not in db.known and key not in fed:
                db.check_time()
                new += db.square_fact(key) is not None
    if "numbers" not in memo:
        memo["numbers"] = _has_lengths(db)
    if memo["numbers"]:
        new += _square_constants(db)
    memo["seen"] = size  # searched to the end (a pass the budget stopped runs again)
    return new


def _has_lengths(db: Engine) -> bool:
    """Whether the problem fixes a length (only then can a squared length be a number)."""
    return any(f.pred.kind in (Kind.LCONST, Kind.L2CONST) for f in db.facts)


def _square_constants(db: Engine) -> int:
    """Pythagoras with numbers: segments whose squared length the table fixes (BC² = 25)
    become length facts (BC = 5, or BC² = 2), which the ratio and length tables then use."""
    new = 0
    squares = db.ar.squares
    for a, b in combinations(db.index.names, 2):
        key, value = squares.residual({seg(a, b): 1})
        if key or value <= 0:
            continue
        root = _rational_root(value)
        pred = P("lconst", a, b, _literal(root)) if root is not None else P("l2const", a, b, _literal(value))
        if pred.canonical() not in db.known and not db.implied(pred):
            db.check_time()
            new += db.square_fact(pred) is not None
    return new


def _rational_root(x: Fraction) -> Fraction | None:
    """√x when it is rational."""
    p, q = isqrt(x.numerator), isqrt(x.denominator)
    return Fraction(p, q) if p * p == x.numerator and q * q == x.denominator else None


def _literal(x: Fraction) -> Literal:
    return Literal(str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}")


# ------------------------------------------------------------------ triangles
def triangles(db: Engine) -> int:
    """r32-r39, t06, t07 on the pairs of triangles similar in the figure."""
    new = 0
    for t, u, mirrored in db.index.similar_triangles():
        new += try_triangles(db, t, u, mirrored)
    return new

class _TrianglePair(NamedTuple):
    """The statements about one pair of triangles similar in the figure, built once per engine
    (their canonical forms are cached on them) with the figure's verdicts."""

    where: tuple[complex, ...]  # the six points' coordinates the verdicts were read at
    sim: Predicate
    con: Predicate
    sim_key: Predicate
    con_key: Predicate
    similar: bool  # sim holds in the figure
    congruent: bool  # con holds in the figure
    angles: tuple[Predicate, Predicate, Predicate]  # equal angles at A~P, B~Q, C~R
    ratios: tuple[Predicate, Predicate, Predicate]  # AB:AC = PQ:PR, BA:BC = QP:QR, CA:CB = RP:RQ
    sides: tuple[Predicate, Predicate, Predicate]  # AB = PQ, BC = QR, CA = RP
    angle_sides: tuple[tuple[Terms, Terms], ...]  # each angle statement's two sides, as terms
    ratio_sides: tuple[tuple[Terms, Terms], ...]  # each ratio statement's two sides


def _triangle_pair(db: Engine, t: tuple[str, str, str], u: tuple[str, str, str], mirrored: bool) -> _TrianglePair:
    memo = db.cache("triangle_pairs")
    where = tuple(db.pts[x] for x in t + u)
    found = memo.get((t, u, mirrored))
    if found is not None and found.where == where:
        return found
    a, b, c = t
    p, q, r = u
    sim = P("simtri2" if mirrored else "simtri", a, b, c, p, q, r)
    con = P("contri2" if mirrored else "contri", a, b, c, p, q, r)

    def ang(x, y, z, xx, yy, zz):  # angle at y equals angle at yy (orientation aware)
        if mirrored:
            return P("eqangle", y, x, y, z, yy, zz, yy, xx)
        return P("eqangle", y, x, y, z, yy, xx, yy, zz)

    similar = sim.holds(db.pts)
    angles = (ang(b, a, c, q, p, r), ang(a, b, c, p, q, r), ang(a, c, b, p, r, q))
    ratios = (P("eqratio", a, b, a, c, p, q, p, r), P("eqratio", b, a, b, c, q, p, q, r),
              P("eqratio", c, a, c, b, r, p, r, q))
    found = _TrianglePair(
        where, sim, con, sim.canonical(), con.canonical(), similar, similar and con.holds(db.pts),
        angles, ratios, (P("cong", a, b, p, q), P("cong", b, c, q, r), P("cong", c, a, r, p)),
        tuple(_sides(x, -1) for x in angles), tuple(_sides(x, 1) for x in ratios),
    )
    memo[(t, u, mirrored)] = found
    return found


def _sides(pred: Predicate, first: int) -> tuple[Terms, Terms]:
    """The two sides of an eqangle (``first`` -1: CD - AB = GH - EF) or eqratio (``first`` 1:
    AB - CD = EF - GH) statement over its eight points, as terms of the table's unknowns."""
    pts = pred.points
    return (tuple(sorted(segment_sum(pts[:4], first, -first).items())),
            tuple(sorted(segment_sum(pts[4:], first, -first).items())))


def _equal_in(db: Engine, table: Table, pred: Predicate, sides: tuple[Terms, Terms]) -> bool:
    """``db.implied(pred)`` for an angle or ratio statement whose two sides are ``sides``, with
    each side reduced once per table state (:meth:`Algebra.residual`) instead of the whole
    statement every time: the table implies ``a = b`` exactly when their residuals are equal.
    Where a multiple of an angle statement might follow instead (the figure then settles the
    case), the full query decides."""
    if pred.canonical() in db.known:
        return True
    ra, rb = db.ar.residual(table, sides[0]), db.ar.residual(table, sides[1])
    if ra == rb:
        return True
    if table is Table.ANGLE and (ra[0] == rb[0] or db.ar.angles.has_lattice):
        return db.implied(pred)
    return False


def _aa_premises(t: tuple[str, str, str], u: tuple[str, str, str], i: int, j: int, mirrored: bool) -> list[Predicate]:
    """The equal angles at vertices ``i`` and ``j`` of the pair, spelt as r34 (r35) writes its
    premises, the third vertex as its A: the rule check then binds them as written instead of
    searching the symmetries of both statements (a millisecond per similar pair)."""
    k = 3 - i - j
    a, b, c, p, q, r = t[k], t[i], t[j], u[k], u[i], u[j]
    if mirrored:
        return [P("eqangle", b, a, b, c, q, r, q, p), P("eqangle", c, a, c, b, r, q, r, p)]
    return [P("eqangle", b, a, b, c, q, p, q, r), P("eqangle", c, a, c, b, r, p, r, q)]


def try_triangles(db: Engine, t: tuple[str, str, str], u: tuple[str, str, str], mirrored: bool) -> int:
    pair = _triangle_pair(db, t, u, mirrored)
    sim, con = pair.sim, pair.con
    known = db.known
    if pair.sim_key in known and pair.con_key in known:
        return 0
    if not pair.similar:
        return 0
    congruent = pair.congruent
    if congruent and pair.con_key in known:
        return 0
    A, B, C = pair.angles
    rab, rba, rca = pair.ratios
    sides = list(pair.sides)
    m = "m" if mirrored else ""
    new = 0
    if congruent and pair.con_key not in known:
        cg = [db.implied(s) for s in sides]
        if all(cg):
            new += db.derive("r32" + m, con, sides)
        else:
            for s1, s2, angle in ((0, 1, B), (1, 2, C), (2, 0, A)):
                if cg[s1] and cg[s2] and db.implied(angle):
                    new += db.derive("r33" + m, con, [sides[s1], sides[s2], angle])
                    break
    if pair.sim_key not in known:
        ang, rat = pair.angle_sides, pair.ratio_sides
        angs = [_equal_in(db, Table.ANGLE, x, ang[i]) for i, x in enumerate((A, B, C))]
        if sum(angs) >= 2:
            i, j = [v for v, ok in enumerate(angs) if ok][:2]
            new += db.derive("r35" if mirrored else "r34", sim, _aa_premises(t, u, i, j, mirrored))
        else:
            for ratio, i in ((rab, 0), (rba, 1), (rca, 2)):
                if angs[i] and _equal_in(db, Table.RATIO, ratio, rat[i]):
                    new += db.derive("r39" + m, sim, [ratio, (A, B, C)[i]])
                    break
            else:
                if _equal_in(db, Table.RATIO, rba, rat[1]) and _equal_in(db, Table.RATIO, rca, rat[2]):
                    new += db.derive("r38" + m, sim, [rba, rca])
    if congruent and pair.sim_key in known and pair.con_key not in known:
        for s in sides:
            if db.implied(s):
                new += db.derive("t07" if mirrored else "t06", con, [sim, s])
                break
    return new



def _small_fraction(x: float, max_den: int = 6) -> Fraction | None:
    """``x`` as p/q with small p, q if it is one (numerically)."""
    f = Fraction(x).limit_denominator(max_den)
    if f.numerator == 0 or f.numerator > 12 or abs(float(f) - x) > RATIONAL_MATCH * max(1.0, x):
        return None
    return f


def _ordered_pairs(items: list[str]) -> list[tuple[str, str]]:
    return [(x, y) for x in items for y in items if x != y]




#: The matchers in the order saturation runs them (cheap and productive ones first), with
#: the rules each fires (what it reads follows from their premises, see ddar.registry).
MATCHERS: tuple[Matcher, ...] = (
    # collinear triples angle chasing proves (AR, the r28 reasoning), materialised for the length table
    Matcher(collinear, (), frozenset({Table.ANGLE})),
    Matcher(cyclic_angles, ("r03",)),
    Matcher(cyclic_merge, ("c01",)),
    Matcher(centres, ("c03", "c02", "r01", "r49")),
    Matcher(isosceles, ("r13", "r14")),
    Matcher(isosceles_trapezoids, ("r46",)),
    Matcher(perp_bisector, ("r23", "r22")),
    Matcher(midpoints, ("m01",)),
    Matcher(cyclic_from_angles, ("r04",)),
    Matcher(chord_bisectors, ("r52",)),
    Matcher(arc_midpoints, ("r53",)),
    Matcher(collinear_midpoint_rules, ("r06", "r25", "r26", "r19")),
    Matcher(triangles, ("r32", "r32m", "r33", "r33m", "r34", "r35", "r38", "r38m", "r39", "r39m", "t06", "t07")),
    Matcher(parallel_transversals, ("r42", "r41")),
    Matcher(converse_intercept, ("r27", "r43")),
    # constant ratios of segments on a line: ratio chasing (AR), no rule
    Matcher(ratio_constants, (), frozenset({Table.RATIO, Table.LENGTH})),
    Matcher(bisectors, ("r12", "r11")),
    Matcher(bisector_points, ("r51",)),
    Matcher(ceva, ("r45",)),
    Matcher(menelaus, ("r44",)),
    Matcher(pappus, ("r50",)),
    # the squared-length table: right angles (angle table) in, equal segments and right angles out
    Matcher(squared_lengths, (), frozenset({Table.ANGLE, Table.SQUARE})),
)


def _triangles_on_demand(db: Engine, key: Predicate) -> int:
    """Similar or congruent triangles asked for by name (a goal, a premise)."""
    a = key.points
    return try_triangles(db, (a[0], a[1], a[2]), (a[3], a[4], a[5]), key.kind in (Kind.SIMTRI2, Kind.CONTRI2))


register(MATCHERS, [(k, _triangles_on_demand) for k in (Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2)])
