"""Fast engine of the voting-and-counting model: every TPS and replication at once.

Pure: no Django. The model is the one written plainly, one TPS at a time, in
`simulation/reference.py` (SimPy); tests hold the two to the same distributions. This file
compiles it with numba because the queues are recursions over voters that numpy cannot
vectorise well: one booth stage alone took 22 s for 820,161 TPS in numpy, the whole model
takes a few seconds here (docs/simulation.md, bench/simulation.py).

How randomness is drawn (it matters for what-if comparisons):
- each (TPS, replication) has its own stream, keyed by the TPS's key, the replication and
  the seed, so results do not depend on the number of threads nor on the other TPS;
- voting and counting use separate streams, and every voter consumes the same draws whatever
  the number of desks or booths, so changing those replays the very same voters;
- voters' service times (and the spacings that make sorted arrival times) are drawn by
  inverse transform from a table of the gamma quantile function: 2,048 exact quantiles,
  linear in between, an exponential tail with the exact mean excess beyond the last one.
  Several times cheaper than a gamma sampler; its CDF is within 5e-4 of the gamma's and its
  mean within 2e-4 (tested), far below what the parameters are known to.
"""

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache

import numba
import numpy as np
from numba import njit
from numba.core import types
from numba.extending import intrinsic

from siaga.simulation.params import (
    Params,
    SimulationInputError,
    TPSInputs,
    check_inputs,
)

MIDNIGHT = 24.0

_KNOT_BITS = 11
_TABLE_KNOTS = 1 << _KNOT_BITS  # 2048
# Rows of the tables: the five service times, then the unit exponential for arrival spacings.
_DESK, _DESK_UNLISTED, _BOOTH, _BOOTH_SLOW, _BOX, _SPACING = range(6)
# The engine reads the tables as one flat float32 array of (value, step to the next value)
# pairs, a row after the other: the offset of each row's first pair.
_ROW_BITS = _KNOT_BITS + 1
_PAIR_ROW = [np.uint64(row << _ROW_BITS) for row in range(6)]
_OFF_DESK, _OFF_DESK_UNLISTED, _OFF_BOOTH, _OFF_BOOTH_SLOW, _OFF_BOX, _OFF_SPACING = _PAIR_ROW
_SH_ROW = np.uint64(_ROW_BITS)
_SH_KNOT = np.uint64(32 - _KNOT_BITS)
_LOW_CELL = np.uint64((1 << (32 - _KNOT_BITS)) - 1)
_CELL_SCALE = 1.0 / (1 << (32 - _KNOT_BITS))
_LAST_KNOT = np.uint64(_TABLE_KNOTS - 1)
# Voter kinds.
DPT, DPTB, DPK = 0, 1, 2

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SH30 = np.uint64(30)
_SH27 = np.uint64(27)
_SH31 = np.uint64(31)
_SH11 = np.uint64(11)
_SH32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_VOTING_STREAM = np.uint64(0x5EED0001)
_COUNTING_STREAM = np.uint64(0x5EED0002)
_TWO_M53 = 1.0 / 9007199254740992.0


# ---------------------------------------------------------------- random numbers (SplitMix64)


@njit(inline="always", cache=True, error_model="numpy")
def _mix64(z):
    z = z + _GOLDEN
    z = (z ^ (z >> _SH30)) * _MIX1
    z = (z ^ (z >> _SH27)) * _MIX2
    return z ^ (z >> _SH31)


@njit(inline="always", cache=True, error_model="numpy")
def _uniform(s):
    """(next state, uniform in [0, 1)). SplitMix64: an add and a mix per number, passes
    BigCrush, and seeding is free, which lets every (TPS, replication) own a stream. The
    state travels as a plain value so that it can live in a register."""
    s = s + _GOLDEN
    z = (s ^ (s >> _SH30)) * _MIX1
    z = (z ^ (z >> _SH27)) * _MIX2
    z = z ^ (z >> _SH31)
    return s, np.float64(z >> _SH11) * _TWO_M53


@njit(inline="always", cache=True, error_model="numpy")
def _normal(s):
    s, u1 = _uniform(s)
    s, u2 = _uniform(s)
    # 1 - u is exact for 53-bit uniforms, and log is twice as fast as log1p here.
    return s, math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True, error_model="numpy")
def _gamma(s, shape):
    """(state, standard gamma draw): Marsaglia and Tsang; shape below 1 by boosting."""
    if shape <= 0.0:
        return s, 0.0
    boost = 1.0
    if shape < 1.0:
        s, u = _uniform(s)
        boost = u ** (1.0 / shape)
        shape += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        s, x = _normal(s)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        s, u = _uniform(s)
        if u < 1.0 - 0.0331 * x * x * x * x:
            return s, d * v * boost
        if math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return s, d * v * boost


@njit(cache=True, error_model="numpy")
def _binomial(s, n, p):
    if n <= 0 or p <= 0.0:
        return s, 0
    if p >= 1.0:
        return s, n
    flip = p > 0.5
    if flip:
        p = 1.0 - p
    q = 1.0 - p
    f = q**n
    k = 0
    if f < 1e-250:
        for _ in range(n):
            s, u = _uniform(s)
            k += u < p
    else:
        # Inversion: expected n * p steps, at most ~n/2.
        s, u = _uniform(s)
        r = p / q
        while u > f and k < n:
            u -= f
            f *= r * (n - k) / (k + 1)
            k += 1
    return s, (n - k if flip else k)


@njit(cache=True, error_model="numpy")
def _poisson(s, lam):
    k = 0
    while lam > 0.0:
        # Inversion in pieces of at most 500 keeps exp(-lam) away from underflow.
        piece = min(lam, 500.0)
        lam -= piece
        p = math.exp(-piece)
        s, u = _uniform(s)
        while u > p > 0.0:
            u -= p
            k += 1
            p *= piece / k
    return s, k


@njit(inline="always", cache=True, error_model="numpy")
def _bits_pair(s):
    """(next state, two 32-bit random integers, as uint64) from one 64-bit draw: a table
    lookup needs no more, and the mixing is most of a draw's cost."""
    s = s + _GOLDEN
    z = (s ^ (s >> _SH30)) * _MIX1
    z = (z ^ (z >> _SH27)) * _MIX2
    z = z ^ (z >> _SH31)
    return s, z >> _SH32, z & _LOW32


@njit(inline="always", cache=True, error_model="numpy")
def _tabled(pairs, tails, row, bits):
    """Unit-mean gamma variate for the uniform bits * 2**-32 from the quantile table whose
    pairs start at offset `row` (see the module docstring and _pair_tables).

    The knot is the top 11 bits and the position within its cell the 21 others: bit for
    bit the whole and fractional parts of x = u * 2048, without a float multiply, truncation
    and compare. Each pair holds the knot's value a and the float32 step b - a to the next
    one, so a + f * step is the interpolation a + f * (b - a) in float32 steps, as exact as
    with the two knots, from one cache line.
    """
    k = bits >> _SH_KNOT
    f = np.float64(np.int64(bits & _LOW_CELL)) * _CELL_SCALE
    at = row + (k << _U1)
    a = pairs[at]
    if k == _LAST_KNOT:
        # Beyond the last knot the conditional excess is close to exponential.
        return a - tails[row >> _SH_ROW] * math.log1p(-f)
    return a + f * pairs[at + _U1]


@njit(inline="always", cache=True, error_model="numpy")
def _fill_bits(s, count, out):
    """The next `count` 64-bit draws of stream state s into out[:count]; returns the state
    after them. SplitMix64's state only moves by a constant, so draw j is the mix of
    s + (j + 1) * golden: no draw waits for the one before, and the loop runs on vectors."""
    for j in range(count):
        z = s + np.uint64(j + 1) * _GOLDEN
        z = (z ^ (z >> _SH30)) * _MIX1
        z = (z ^ (z >> _SH27)) * _MIX2
        out[j] = z ^ (z >> _SH31)
    return s + np.uint64(count) * _GOLDEN


@njit(inline="always", cache=True, error_model="numpy")
def _voter_times(z1, z2, kind, slow_below, pairs, tails, svc_mean):
    """(desk, booth, box-and-ink times) of one voter from its two 64-bit draws (the same two,
    whatever the desks and booths). A voter is slow when the first 32 bits are below
    slow_below (= ceil(slow_share * 2**32), the same as a uniform below slow_share)."""
    listed = kind == DPT
    desk = (svc_mean[_DESK] if listed else svc_mean[_DESK_UNLISTED]) * _tabled(
        pairs, tails, _OFF_DESK if listed else _OFF_DESK_UNLISTED, z1 & _LOW32)
    slow = (z1 >> _SH32) < slow_below
    booth = (svc_mean[_BOOTH_SLOW] if slow else svc_mean[_BOOTH]) * _tabled(
        pairs, tails, _OFF_BOOTH_SLOW if slow else _OFF_BOOTH, z2 >> _SH32)
    box = svc_mean[_BOX] * _tabled(pairs, tails, _OFF_BOX, z2 & _LOW32)
    return desk, booth, box


def _pair_tables(tables: np.ndarray) -> np.ndarray:
    """The (knots,) float32 quantile rows as the flat pairs that _tabled reads: each knot's
    value, then the float32 difference to the next knot's (0 after the last)."""
    if tables.shape[1] != _TABLE_KNOTS:
        raise ValueError(f"the engine reads tables of {_TABLE_KNOTS} knots")
    pairs = np.zeros((tables.shape[0], tables.shape[1], 2), dtype=np.float32)
    pairs[:, :, 0] = tables
    pairs[:, :-1, 1] = tables[:, 1:] - tables[:, :-1]
    return pairs.reshape(-1)


# ---------------------------------------------------------------- gamma quantile tables


@njit(cache=True, error_model="numpy")
def _gamma_p(a, x):
    """Regularised lower incomplete gamma P(a, x) (series or continued fraction)."""
    if x <= 0.0:
        return 0.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1.0:
        ap = a
        term = 1.0 / a
        total = term
        for _ in range(10000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return total * math.exp(log_front)
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return 1.0 - math.exp(log_front) * h


@njit(cache=True, error_model="numpy")
def _gamma_quantiles(a, knots):
    out = np.empty(knots)
    hi = a + 20.0 * math.sqrt(a) + 20.0
    while _gamma_p(a, hi) < 1.0 - 1.0 / (4.0 * knots):
        hi *= 2.0
    for k in range(knots):
        target = k / knots
        lo_x = 0.0
        hi_x = hi
        for _ in range(200):
            mid = 0.5 * (lo_x + hi_x)
            if _gamma_p(a, mid) < target:
                lo_x = mid
            else:
                hi_x = mid
            if hi_x - lo_x <= 1e-15 * hi_x:
                break
        out[k] = 0.5 * (lo_x + hi_x)
    return out


@lru_cache(maxsize=64)
def gamma_table(cv: float, knots: int = _TABLE_KNOTS) -> tuple[np.ndarray, float]:
    """Quantiles of the unit-mean gamma with this cv at u = k/knots, and the mean excess
    beyond the last one (for the tail). cv = 0 gives a fixed duration."""
    if cv == 0:
        return np.ones(knots), 0.0
    shape = 1.0 / (cv * cv)
    q = _gamma_quantiles(shape, knots)
    last = q[-1]
    # E[X - q | X > q] for a standard gamma: shape * Q(shape+1, q) / Q(shape, q) - q.
    upper = 1.0 - _gamma_p(shape, last)
    excess = shape * (1.0 - _gamma_p(shape + 1.0, last)) / upper - last
    table = q / shape
    table.setflags(write=False)
    return table, excess / shape


# ---------------------------------------------------------------- queues


_NONE = np.uint64(0xFFFFFFFFFFFFFFFF)
_U0 = np.uint64(0)
_U1 = np.uint64(1)
_SH63 = np.uint64(63)


@intrinsic
def _bits_of(typingctx, x):
    """The IEEE bits of a float64, as a uint64."""
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.uint64))

    return types.uint64(types.float64), codegen


@njit(inline="always", cache=True, error_model="numpy")
def _joined(seq_start, count, started, longest, start, arrival):
    """Record the start of the voter who joins a stage as its `count`-th; returns (started,
    longest) updated: `started` of the voters before it have started by its arrival (starts
    never decrease in FIFO order, nor do arrivals, so one pointer suffices).

    Written without data-dependent branches where it can be: whether a voter waits, and by
    how many starts the pointer moves, are close to coin flips for the branch predictor. A
    voter who does not wait sees an empty queue (the pointer jumps to count + 1); one who
    waits moves the pointer by at most two in almost all cases, the loop catches the rest.

    - The two starts after the pointer are read at once (both addresses are known before
      this voter's times are), so the pointer's chain from voter to voter is one load long;
      starts never decrease, so the second counts only if the first does.
    - Whether the voter waited is read from the bits of start - arrival (+0.0, all bits 0,
      when it did not: start is then arrival itself), in integer arithmetic: given a
      condition, the compiler turns the jump to count + 1 back into a branch (measured: 15%
      of the whole slower).
    - seq_start[count + 1] holds +inf (it must exist), so that the loop stops there, on its
      own, for a voter who did not wait, and so that the second read never counts a start
      not yet written. If the voter waits, nothing from seq_start[count] (its own start, after
      its arrival) on counts.
    """
    seq_start[count] = start
    seq_start[count + _U1] = np.inf
    first = seq_start[started] <= arrival
    second = first & (seq_start[started + _U1] <= arrival)
    moved = started + np.uint64(first) + np.uint64(second)
    # count + 1 if the voter did not wait (start - arrival is +0.0, all bits 0), else 0:
    # integer arithmetic, so that the compiler sees no condition to branch on.
    gap = _bits_of(start - arrival)
    waits = (gap | (_U0 - gap)) >> _SH63
    started = max(moved, (count + _U1) & (waits - _U1))
    while seq_start[started] <= arrival:
        started += _U1
    return started, max(longest, np.int64(count + _U1 - started))


@njit(inline="always", cache=True, error_model="numpy")
def _enter(voter, arrival, service, servers, free, occupant, seq_start, count, started,
           longest, wait):
    """Voter arrives at a FIFO stage; returns (count, started, longest, leaver, left_at).

    Each stage is processed online, in its own FIFO order. The voter takes the server that
    frees first; its previous occupant (`leaver`, or _NONE) leaves at `left_at`, before
    anyone still in service or yet to start (they all end after this start): so leavers come
    out in order of departure, which is the FIFO order of the next stage, and the stages run
    as one pipeline with no sort. Indices are unsigned so that no negative-index wraparound
    code is generated.

    `count` voters had entered before; `started` of them had started by the previous arrival
    (starts never decrease in FIFO order, nor do arrivals, so one pointer suffices); `longest`
    is the longest queue seen, counted just after a voter joins, without those in service.
    """
    best = 0
    earliest = free[0]
    for j in range(1, servers):
        # Selects rather than branches: which server frees first is unpredictable.
        earlier = free[j] < earliest
        best = j if earlier else best
        earliest = free[j] if earlier else earliest
    start = max(arrival, earliest)
    leaver = occupant[best]
    free[best] = start + service
    occupant[best] = voter
    wait[voter] += start - arrival
    started, longest = _joined(seq_start, count, started, longest, start, arrival)
    return count + _U1, started, longest, leaver, earliest


@njit(inline="always", cache=True, error_model="numpy")
def _next_to_leave(servers, free, occupant):
    """At the end of the day: the server whose occupant leaves first, or -1 if all idle."""
    best = -1
    for j in range(servers):
        if occupant[j] != _NONE and (best < 0 or free[j] < free[best]):
            best = j
    return best


@njit(inline="always", cache=True, error_model="numpy")
def _enter_single(voter, arrival, service, busy_until, seq_start, count, started, longest,
                  wait):
    """_enter for a stage with one server, whose time stays in a register and whose
    voters leave in the order they came: returns (busy_until, count, started, longest)."""
    start = max(arrival, busy_until)
    wait[voter] += start - arrival
    started, longest = _joined(seq_start, count, started, longest, start, arrival)
    return start + service, count + _U1, started, longest


@njit(cache=True, error_model="numpy")
def _serve_one_desk_one_ink(arrive, s_desk, s_booth, s_box, n, booths, free, occupant, wait,
                            seq1, seq2, seq3):
    """_serve for the usual TPS (one desk, one ink station, any booths), about a third
    cheaper: the same arithmetic, with the single servers kept in registers."""
    # No draws: the times are given; the empty tables only satisfy the types.
    return _draw_and_serve(arrive, np.empty(0, np.int8), np.empty(0, np.uint64), np.uint64(0),
                           np.empty(0, np.float32), np.empty(0), np.empty(0), n, booths,
                           free[1], occupant[1], wait, seq1, seq2, seq3, s_desk, s_booth,
                           s_box, False)


@njit(inline="always", cache=True, error_model="numpy")
def _draw_and_serve(arrive, kind, bits, slow_below, pairs, tails, svc_mean, n, booths,
                    f2, o2, wait, seq1, seq2, seq3, s_desk, s_booth, s_box, draw):
    """The one-desk, one-ink pipeline; with `draw`, voter j's service times are drawn here,
    just before the voter enters, instead of in a pass of their own.

    The queues are one long chain of dependent max/add/compare steps; the table lookups for
    the next voter do not depend on it, so the processor can overlap them with the chain
    (measured: ~5% less time in all than a separate pass). Voter i's two 64-bit draws are
    bits[2i] and bits[2i + 1] (drawn at once, _fill_bits), read by _voter_times like the
    other path's, so both paths give the same voters. Only the box-and-ink time is kept (a
    voter reaches the ink later, when leaving a booth); the others are used at once.

    The same arithmetic as _enter_single, _enter, _enter_single in turn, written out so that
    little has to stay in registers: voter i is the i-th to enter both the desk and the
    booths; a voter's desk and booth waits are added before its wait is stored (the same
    sum, in the same order, as adding them to a zeroed wait); one longest queue for all three
    stages (the maximum is the same). Returns (last departure, longest queue).
    """
    for j in range(booths):
        f2[j] = -np.inf
        o2[j] = _NONE
    zero = np.uint64(0)
    st1, st2, c3, st3 = zero, zero, zero, zero
    longest = 0
    desk_free = -np.inf
    ink_free = -np.inf
    for i in range(n):
        voter = np.uint64(i)
        if draw:
            t_desk, t_booth, t_box = _voter_times(bits[voter << _U1], bits[(voter << _U1) + _U1],
                                                  kind[voter], slow_below, pairs, tails,
                                                  svc_mean)
            s_box[voter] = t_box
        else:
            t_desk, t_booth = s_desk[voter], s_booth[voter]
        # Desk: one server, in registers.
        arrival = arrive[voter]
        start = max(arrival, desk_free)
        waited = start - arrival
        st1, longest = _joined(seq1, voter, st1, longest, start, arrival)
        desk_free = start + t_desk
        # Booths: the one that frees first; its occupant goes on to the ink.
        best = 0
        earliest = f2[0]
        for j in range(1, booths):
            # Selects rather than branches: which booth frees first is unpredictable.
            earlier = f2[j] < earliest
            best = j if earlier else best
            earliest = f2[j] if earlier else earliest
        start = max(desk_free, earliest)
        leaver = o2[best]
        f2[best] = start + t_booth
        o2[best] = voter
        wait[voter] = waited + (start - desk_free)
        st2, longest = _joined(seq2, voter, st2, longest, start, desk_free)
        if leaver != _NONE:
            # Ink: one server, in registers; the leaver arrives as its booth frees.
            start = max(earliest, ink_free)
            wait[leaver] += start - earliest
            st3, longest = _joined(seq3, c3, st3, longest, start, earliest)
            c3 += _U1
            ink_free = start + s_box[leaver]
    while True:
        j = _next_to_leave(booths, f2, o2)
        if j < 0:
            break
        voter = o2[j]
        o2[j] = _NONE
        ink_free, c3, st3, longest = _enter_single(voter, f2[j], s_box[voter], ink_free, seq3,
                                                   c3, st3, longest, wait)
    return ink_free, longest


@njit(cache=True, error_model="numpy")
def _serve(arrive, s_desk, s_booth, s_box, n, desks, booths, inks, free, occupant, wait,
           seq1, seq2, seq3):
    """Desk, booth, box-and-ink in tandem; returns (last departure, longest queue).

    `arrive` must be sorted; waits (hours, all stages) are written into `wait`. `free` and
    `occupant` have one row per stage.
    """
    if desks == 1 and inks == 1:
        return _serve_one_desk_one_ink(arrive, s_desk, s_booth, s_box, n, booths, free,
                                       occupant, wait, seq1, seq2, seq3)
    for i in range(n):
        wait[i] = 0.0
    for k in range(3):
        for j in range(free.shape[1]):
            free[k, j] = -np.inf
            occupant[k, j] = _NONE
    f1 = free[0]
    f2 = free[1]
    f3 = free[2]
    o1 = occupant[0]
    o2 = occupant[1]
    o3 = occupant[2]
    zero = np.uint64(0)
    c1, st1, c2, st2, c3, st3 = zero, zero, zero, zero, zero, zero
    lq1, lq2, lq3 = 0, 0, 0
    last = -np.inf
    # Feed every voter to the desk, then drain the desks, then the booths, then the ink: a
    # stage passes each leaver straight to the next.
    for phase in range(4):
        i = 0
        while True:
            if phase == 0:
                if i >= n:
                    break
                voter = np.uint64(i)
                c1, st1, lq1, voter, t = _enter(voter, arrive[voter], s_desk[voter], desks, f1,
                                                o1, seq1, c1, st1, lq1, wait)
                i += 1
            elif phase == 1:
                j = _next_to_leave(desks, f1, o1)
                if j < 0:
                    break
                voter, t = o1[j], f1[j]
                o1[j] = _NONE
            elif phase == 2:
                j = _next_to_leave(booths, f2, o2)
                if j < 0:
                    break
                voter, t = o2[j], f2[j]
                o2[j] = _NONE
                c3, st3, lq3, voter, t = _enter(voter, t, s_box[voter], inks, f3, o3, seq3,
                                                c3, st3, lq3, wait)
                if voter != _NONE:
                    last = max(last, t)
                continue
            else:
                j = _next_to_leave(inks, f3, o3)
                if j < 0:
                    break
                last = max(last, f3[j])
                o3[j] = _NONE
                continue
            if voter == _NONE:
                continue
            c2, st2, lq2, voter, t = _enter(voter, t, s_booth[voter], booths, f2, o2, seq2,
                                            c2, st2, lq2, wait)
            if voter == _NONE:
                continue
            c3, st3, lq3, voter, t = _enter(voter, t, s_box[voter], inks, f3, o3, seq3,
                                            c3, st3, lq3, wait)
            if voter != _NONE:
                last = max(last, t)
    return last, max(lq1, lq2, lq3)


def serve_voters(arrive, desk, booth, box, desks: int, booths: int, inks: int):
    """Run given voters through the three stages (times in hours, arrivals sorted).

    Returns (waits in hours per voter, last departure, longest queue). Exposed so that tests
    can hold the queue logic to the SimPy reference voter by voter.
    """
    arrive = np.ascontiguousarray(arrive, dtype=np.float64)
    n = len(arrive)
    servers = max(desks, booths, inks, 1)
    wait = np.zeros(n)
    if not n:
        return wait, -np.inf, 0
    last, longest = _serve(
        arrive,
        np.ascontiguousarray(desk, dtype=np.float64),
        np.ascontiguousarray(booth, dtype=np.float64),
        np.ascontiguousarray(box, dtype=np.float64),
        n, desks, booths, inks, np.empty((3, servers)), np.empty((3, servers), np.uint64),
        wait, np.empty(n + 1), np.empty(n + 1), np.empty(n + 1),
    )
    return wait, last, longest


@njit(cache=True, error_model="numpy")
def _mean_and_percentile(values, n, q, top):
    """(mean, numpy's default ('linear') percentile) of values[:n], q in 0..1; `top` is
    scratch for n values.

    A high percentile needs only the m largest values. First pass: the sum for the mean (in
    the order of a plain loop) and the maxima of m interleaved blocks (values i, i + m, ...):
    they are m distinct values, so the least of them is at most the m-th largest value, and
    every one of the m largest is at least that. Second pass, without branches: those values
    into `top`, in order. Waits grow and shrink with the crowd over the day, so each block's
    maximum is near the day's top and few values pass. Last, among these, the m largest kept
    sorted in place: one comparison for most.
    """
    if n == 0:
        return 0.0, 0.0
    h = q * (n - 1)
    lo = math.floor(h)
    m = n - lo  # values at sorted positions lo..n-1
    for k in range(m):
        top[k] = -np.inf
    total = 0.0
    k = 0
    for i in range(n):
        v = values[i]
        total += v
        top[k] = max(top[k], v)
        k += 1
        k = 0 if k == m else k
    floor = top[0]
    for k in range(1, m):
        floor = min(floor, top[k])
    passed = 0
    for i in range(n):
        v = values[i]
        top[passed] = v
        passed += v >= floor
    # The m largest of top[:passed] (passed >= m), sorted into top[:m] in place.
    for i in range(1, m):
        v = top[i]
        j = i
        while j > 0 and top[j - 1] > v:
            top[j] = top[j - 1]
            j -= 1
        top[j] = v
    for i in range(m, passed):
        v = top[i]
        if v > top[0]:
            j = 0
            while j + 1 < m and top[j + 1] < v:
                top[j] = top[j + 1]
                j += 1
            top[j] = v
    if m == 1:
        return total / n, top[0]
    return total / n, top[0] + (h - lo) * (top[1] - top[0])


@njit(cache=True, error_model="numpy")
def _percentile(values, n, q, top):
    """numpy's default ('linear') percentile of values[:n], q in 0..1."""
    return _mean_and_percentile(values, n, q, top)[1]


# ---------------------------------------------------------------- arrivals


@njit(inline="always", cache=True, error_model="numpy")
def _sorted_arrivals(s, n_total, n_keep, edges, cum, slope, pairs, tails, out):
    """The first n_keep of n_total arrival times, sorted, into out[:n_keep]; returns the state.

    Sorted uniforms come from normalised exponential spacings (no sort needed); the n_total -
    n_keep spacings not kept are one gamma draw. They are then mapped through the inverse of
    the piecewise-uniform arrival profile: bin b spans edges[b]..edges[b+1] in hours and
    cum[b]..cum[b+1] in probability, slope[b] hours per unit of probability.
    """
    if n_keep <= 0:
        return s
    acc = 0.0
    for j in range(0, n_keep - 1, 2):
        s, b1, b2 = _bits_pair(s)
        acc += _tabled(pairs, tails, _OFF_SPACING, b1)
        out[j] = acc
        acc += _tabled(pairs, tails, _OFF_SPACING, b2)
        out[j + 1] = acc
    s, b1, b2 = _bits_pair(s)
    if n_keep % 2:
        acc += _tabled(pairs, tails, _OFF_SPACING, b1)
        out[n_keep - 1] = acc
        b1 = b2
    if n_total > n_keep:
        s, rest = _gamma(s, n_total - n_keep + 1.0)
    else:
        rest = _tabled(pairs, tails, _OFF_SPACING, b1)
    scale = 1.0 / (acc + rest)
    last_bin = np.uint64(len(edges) - 2)
    b = np.uint64(0)
    for j in range(n_keep):
        u = out[j] * scale
        while b < last_bin and u >= cum[b + _U1]:
            b += _U1
        out[j] = edges[b] + (u - cum[b]) * slope[b]
    return s


# ---------------------------------------------------------------- all TPS


@njit(cache=True, nogil=True, error_model="numpy")
def _simulate_chunk(
    first, stop, replications, seed,
    # per TPS
    dpt, dptb, dpk, turnout, desks, booths, ballots, held, options, copies, keys,
    # voting parameters
    profiles, closes, dptb_turnout, slow_below, inks, svc_mean, pairs, tails,
    # counting parameters
    sec_base, sec_option, fixed_min, copy_min, copy_writers, ballot_cv, team_cv,
    break_at, break_h, handover_h, duty_start,
    cap_voters, cap_dptb, cap_dpk, cap_servers,
    o_voters, o_turned, o_close, o_end, o_queue, o_mean, o_p95, o_duty,
):
    """Polling day for (TPS, replication) pairs first..stop-1, flattened TPS-major.

    One call per chunk, not per TPS: each call with arrays costs reference-count updates
    that two threads fight over, and scratch is allocated once per call.
    """
    arrive = np.empty(cap_voters)
    kind = np.empty(cap_voters, np.int8)
    bits = np.empty(2 * cap_voters, np.uint64)
    buf_b = np.empty(cap_dptb)
    buf_c = np.empty(cap_dpk)
    s_desk = np.empty(cap_voters)
    s_booth = np.empty(cap_voters)
    s_box = np.empty(cap_voters)
    free = np.empty((3, cap_servers))
    occupant = np.empty((3, cap_servers), np.uint64)
    free_booths, occupant_booths = free[1], occupant[1]
    wait = np.empty(cap_voters)
    seq1 = np.empty(cap_voters)
    seq2 = np.empty(cap_voters)
    seq3 = np.empty(cap_voters)
    # Private copies of the shared arrays handed to helpers: every call with an array
    # updates its reference count, and two threads updating one count fight over it.
    pairs = pairs.copy()
    tails = tails.copy()
    profiles = profiles.copy()
    # Rows of `profiles`: (edges, cumulative shares, slopes) for DPT, DPTb, DPK.
    edges_a, cum_a, slope_a = profiles[0], profiles[1], profiles[2]
    edges_b, cum_b, slope_b = profiles[3], profiles[4], profiles[5]
    edges_c, cum_c, slope_c = profiles[6], profiles[7], profiles[8]
    for f in range(first, stop):
        i = f // replications
        r = f - i * replications
        h = _mix64(seed ^ _mix64(keys[i] ^ _mix64(np.uint64(r))))
        vs = _mix64(h ^ _VOTING_STREAM)
        cs = _mix64(h ^ _COUNTING_STREAM)
        vs, n_dpt = _binomial(vs, dpt[i], turnout[i])
        vs, n_dptb = _binomial(vs, dptb[i], dptb_turnout)
        vs, n_dpk_come = _poisson(vs, dpk[i])
        spare = max(0, ballots[i] - n_dpt - n_dptb)
        n_dpk = min(n_dpk_come, spare)

        vs = _sorted_arrivals(vs, n_dpt, n_dpt, edges_a, cum_a, slope_a, pairs, tails, arrive)
        vs = _sorted_arrivals(vs, n_dptb, n_dptb, edges_b, cum_b, slope_b, pairs, tails, buf_b)
        vs = _sorted_arrivals(vs, n_dpk_come, n_dpk, edges_c, cum_c, slope_c, pairs, tails,
                              buf_c)

        # Merge the three sorted streams from the back, in place over the DPT times.
        n = n_dpt + n_dptb + n_dpk
        # Counts left in each stream, unsigned (no wraparound code); -inf marks an empty one.
        ia = np.uint64(n_dpt)
        ib = np.uint64(n_dptb)
        ic = np.uint64(n_dpk)
        pos = np.uint64(n)
        while pos > ia:
            pos -= _U1
            ta = arrive[ia - _U1] if ia > 0 else -np.inf
            tb = buf_b[ib - _U1] if ib > 0 else -np.inf
            tc = buf_c[ic - _U1] if ic > 0 else -np.inf
            if ta >= tb and ta >= tc:
                arrive[pos] = ta
                kind[pos] = DPT
                ia -= _U1
            elif tb >= tc:
                arrive[pos] = tb
                kind[pos] = DPTB
                ib -= _U1
            else:
                arrive[pos] = tc
                kind[pos] = DPK
                ic -= _U1
        # What is left below is DPT and already in place.
        for j in range(ia):
            kind[j] = DPT

        if desks[i] == 1 and inks == 1:
            # The usual TPS: its draws at once, its service times read from the tables
            # inside the queue pass (see _draw_and_serve).
            vs = _fill_bits(vs, 2 * n, bits)
            if booths[i] == 4:
                # The default: a constant count lets the compiler unroll the booth choice.
                last, longest = _draw_and_serve(arrive, kind, bits, slow_below, pairs, tails,
                                                svc_mean, n, 4, free_booths, occupant_booths,
                                                wait, seq1, seq2, seq3, s_desk, s_booth, s_box,
                                                True)
            else:
                last, longest = _draw_and_serve(arrive, kind, bits, slow_below, pairs, tails,
                                                svc_mean, n, booths[i], free_booths,
                                                occupant_booths, wait, seq1, seq2, seq3, s_desk,
                                                s_booth, s_box, True)
        else:
            vs = _fill_bits(vs, 2 * n, bits)
            for j in range(n):
                s_desk[j], s_booth[j], s_box[j] = _voter_times(bits[2 * j], bits[2 * j + 1],
                                                               kind[j], slow_below, pairs,
                                                               tails, svc_mean)
            last = -np.inf
            longest = 0
            if n > 0:
                last, longest = _serve(arrive, s_desk, s_booth, s_box, n, desks[i], booths[i],
                                       inks, free, occupant, wait, seq1, seq2, seq3)
        close = max(closes, last)

        mean_wait, p95_wait = _mean_and_percentile(wait, n, 0.95, seq1)

        # Counting: contests in legal order, all scaled by the team's speed.
        team = 1.0
        if team_cv > 0.0:
            cs, g = _gamma(cs, 1.0 / (team_cv * team_cv))
            team = g * team_cv * team_cv
        work = 0.0
        for k in range(len(sec_base)):
            if not held[i, k]:
                continue
            per_ballot = (sec_base[k] + sec_option[k] * options[i, k]) / 3600.0
            ballots_h = n * per_ballot
            if n > 0 and per_ballot > 0.0 and ballot_cv > 0.0:
                # A sum of n gamma ballot times is one gamma with n times the shape.
                cs, g = _gamma(cs, n / (ballot_cv * ballot_cv))
                ballots_h = g * per_ballot * ballot_cv * ballot_cv
            fixed_h = (fixed_min[k] + copies[i] * copy_min[k] / copy_writers) / 60.0
            work += team * (ballots_h + fixed_h)

        # Breaks stop the work where it is; one that falls after counting starts late is taken
        # at the start.
        clock = close
        remaining = work
        for b in range(len(break_at)):
            begin = max(break_at[b], clock)
            if clock + remaining <= begin:
                break
            remaining -= begin - clock
            clock = begin + break_h[b]
        end = clock + remaining

        o_voters[i, r] = n
        o_turned[i, r] = n_dpk_come - n_dpk
        o_close[i, r] = close
        o_end[i, r] = end
        o_queue[i, r] = longest
        o_mean[i, r] = mean_wait * 60.0
        o_p95[i, r] = p95_wait * 60.0
        o_duty[i, r] = end + handover_h - duty_start


# TPS-replications per task handed to a thread: large enough that Python's share is
# negligible, small enough that two threads finish together on a busy machine.
_CHUNK = 2048


def _run_threads(total: int, run_chunk) -> None:
    """Run run_chunk(first, stop) over 0..total in chunks on numba's thread count.

    The compiled chunk releases the GIL, so plain threads run in parallel; a shared queue
    of chunks balances the load when other work slows one core down.
    """
    starts = range(0, total, _CHUNK)
    workers = min(threads(), len(starts))
    if workers <= 1:
        for first in starts:
            run_chunk(first, min(total, first + _CHUNK))
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(run_chunk, f, min(total, f + _CHUNK)) for f in starts]:
            done.result()


# ---------------------------------------------------------------- public API


@dataclass(frozen=True)
class Results:
    """Per TPS and replication (arrays of shape (TPS, replications)).

    Clock times are hours after midnight at the start of polling day (24.0 is midnight,
    36.0 noon the next day); waits are minutes.
    """

    voters: np.ndarray  # voters who voted (DPT + DPTb + DPK)
    dpk_turned_away: np.ndarray  # DPK who came when no ballot was left
    voting_close: np.ndarray  # last voter leaves (13:00 at the earliest)
    counting_end: np.ndarray
    longest_queue: np.ndarray  # most voters waiting at any one stage
    mean_wait: np.ndarray  # mean over voters of the time spent waiting, all stages
    p95_wait: np.ndarray  # 95th percentile of the same
    duty_hours: np.ndarray  # KPPS: from gathering to handing the boxes to the PPS

    @property
    def replications(self) -> int:
        return self.counting_end.shape[1]


@dataclass(frozen=True)
class Summary:
    """Per TPS, over replications."""

    voting_close_mean: np.ndarray
    counting_end_mean: np.ndarray
    counting_end_p10: np.ndarray
    counting_end_p90: np.ndarray
    longest_queue_mean: np.ndarray
    mean_wait: np.ndarray  # mean over replications of the per-TPS mean wait
    p95_wait: np.ndarray  # mean over replications of the per-TPS 95th percentile
    duty_hours_mean: np.ndarray
    duty_hours_max: np.ndarray
    p_after_midnight: np.ndarray  # share of replications where counting ends after 24:00
    p_after_deadline: np.ndarray  # ... after the legal deadline (12:00 next day by default)


def summarize(results: Results, legal_deadline: float = 36.0) -> Summary:
    """Reduce replications to per-TPS figures and risks."""
    end = results.counting_end
    return Summary(
        voting_close_mean=results.voting_close.mean(axis=1),
        counting_end_mean=end.mean(axis=1),
        counting_end_p10=np.percentile(end, 10, axis=1),
        counting_end_p90=np.percentile(end, 90, axis=1),
        longest_queue_mean=results.longest_queue.mean(axis=1),
        mean_wait=results.mean_wait.mean(axis=1),
        p95_wait=results.p95_wait.mean(axis=1),
        duty_hours_mean=results.duty_hours.mean(axis=1),
        duty_hours_max=results.duty_hours.max(axis=1),
        p_after_midnight=(end > MIDNIGHT).mean(axis=1),
        p_after_deadline=(end > legal_deadline).mean(axis=1),
    )


def _arrival_profiles(v) -> np.ndarray:
    """Rows (edges, cumulative shares, hours per unit share) for DPT, DPTb and DPK arrivals,
    padded to one width: the engine reads only the bins a stream has."""
    streams = (
        (v.opens_at, v.closes_at, v.arrival_profile),
        (v.dptb_from, v.closes_at, (1.0,)),
        (v.dpk_from, v.closes_at, (1.0,)),
    )
    width = max(len(w) for _, _, w in streams) + 1
    rows = np.zeros((9, width))
    for s, (start, end, weights) in enumerate(streams):
        weights = np.asarray(weights, dtype=np.float64)
        bins = len(weights)
        edges = np.linspace(start, end, bins + 1)
        cum = np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
        cum[-1] = 1.0
        shares = np.diff(cum)
        slope = np.divide(np.diff(edges), shares, out=np.zeros(bins), where=shares > 0)
        # Padding repeats the last edge and share, so a stream never reads past its end.
        rows[3 * s, : bins + 1] = edges
        rows[3 * s, bins + 1 :] = edges[-1]
        rows[3 * s + 1, : bins + 1] = cum
        rows[3 * s + 1, bins + 1 :] = 1.0
        rows[3 * s + 2, :bins] = slope
    return rows


def checked_inputs(tps: TPSInputs, params: Params, replications: int) -> dict[str, np.ndarray]:
    """resolve_inputs, after refusing (SimulationInputError listing every problem) what
    neither engine may run: both engines start here, so they refuse the same things."""
    problems = check_inputs(tps, params)
    if replications < 1:
        problems.append(f"replications must be at least 1 (got {replications})")
    if problems:
        raise SimulationInputError(problems)
    return resolve_inputs(tps, params)


def resolve_inputs(tps: TPSInputs, params: Params) -> dict[str, np.ndarray]:
    """Every per-TPS array filled in from the defaults, in the types the engines use."""
    v, c = params.voting, params.counting
    m = len(tps.dpt)
    k = len(c.contests)

    def filled(value, default, dtype):
        if value is None:
            return np.full(m, default, dtype=dtype)
        return np.ascontiguousarray(value, dtype=dtype)

    dpt = filled(tps.dpt, 0, np.int64)
    return {
        "dpt": dpt,
        "dptb": filled(tps.dptb, 0, np.int64),
        "dpk": filled(tps.dpk, 0.0, np.float64),
        "turnout": filled(tps.turnout, v.turnout, np.float64),
        "desks": filled(tps.desks, v.desks, np.int64),
        "booths": filled(tps.booths, v.booths, np.int64),
        # Ballots per type: DPT + reserve, rounded up (the epsilon keeps 250 * 1.02 at 255).
        "ballots": np.ceil(dpt * (1.0 + v.ballot_reserve) - 1e-9).astype(np.int64),
        "contests": (
            np.ones((m, k), dtype=np.bool_)
            if tps.contests is None
            else np.ascontiguousarray(tps.contests, dtype=np.bool_)
        ),
        "options": (
            np.tile(np.array([float(x.options) for x in c.contests]), (m, 1))
            if tps.options is None
            else np.ascontiguousarray(tps.options, dtype=np.float64)
        ),
        "copies": filled(tps.witness_copies, c.witness_copies, np.float64),
        "key": filled(tps.key, 0, np.uint64) if tps.key is not None else np.arange(
            m, dtype=np.uint64
        ),
    }


def simulate(tps: TPSInputs, params: Params | None = None, replications: int = 1,
             seed: int = 0) -> Results:
    """Simulate polling day at every TPS, `replications` times each.

    Raises SimulationInputError (a ValueError listing every problem) before running anything
    when the parameters or inputs are not valid. The same seed, keys and inputs give the same
    results on any machine and number of threads.
    """
    params = params or Params()
    x = checked_inputs(tps, params, replications)
    v, c = params.voting, params.counting
    m = len(x["dpt"])

    profiles = _arrival_profiles(v)
    services = (v.desk, v.desk_unlisted, v.booth, v.booth_slow, v.box_and_ink)
    # float32: the pairs of the rows a voter touches nearly fit the first-level cache
    # (float64 measured slower).
    tables = np.empty((len(services) + 1, _TABLE_KNOTS), dtype=np.float32)
    tails = np.empty(len(services) + 1)
    for row, s in enumerate(services):
        tables[row], tails[row] = gamma_table(float(s.cv))
    tables[_SPACING], tails[_SPACING] = gamma_table(1.0)
    pairs = _pair_tables(tables)
    svc_mean = np.array([s.mean_minutes / 60.0 for s in services])
    breaks = sorted(c.breaks)

    cap_voters = int((x["dpt"] + x["dptb"] + x["ballots"]).max(initial=0)) + 1
    results = {
        name: np.zeros((m, replications), dtype=dtype)
        for name, dtype in (
            ("voters", np.int32),
            ("dpk_turned_away", np.int32),
            ("voting_close", np.float64),
            ("counting_end", np.float64),
            ("longest_queue", np.int32),
            ("mean_wait", np.float64),
            ("p95_wait", np.float64),
            ("duty_hours", np.float64),
        )
    }
    args = (
        replications, np.uint64(seed % 2**64),
        x["dpt"], x["dptb"], x["dpk"], x["turnout"], x["desks"], x["booths"], x["ballots"],
        x["contests"], x["options"], x["copies"], x["key"],
        profiles, float(v.closes_at),
        float(v.dptb_turnout),
        # A voter is slow when 32 random bits are below this: u = bits * 2**-32 < slow_share.
        np.uint64(math.ceil(float(v.slow_share) * 2.0**32)), int(v.ink_stations),
        svc_mean, pairs, tails,
        np.array([k.seconds_per_ballot for k in c.contests], dtype=np.float64),
        np.array([k.seconds_per_option for k in c.contests], dtype=np.float64),
        np.array(
            [c.open_minutes + k.plano_minutes + k.upload_minutes for k in c.contests],
            dtype=np.float64,
        ),
        np.array([k.copy_minutes for k in c.contests], dtype=np.float64),
        float(c.copy_writers), float(c.ballot_cv), float(c.team_speed_cv),
        np.array([b[0] for b in breaks], dtype=np.float64),
        np.array([b[1] / 60.0 for b in breaks], dtype=np.float64),
        float(c.handover_minutes) / 60.0, float(c.duty_start),
        cap_voters, int(x["dptb"].max(initial=0)) + 1, int(x["ballots"].max(initial=0)) + 1,
        int(max(x["desks"].max(), x["booths"].max(), v.ink_stations)),
        results["voters"], results["dpk_turned_away"], results["voting_close"],
        results["counting_end"], results["longest_queue"], results["mean_wait"],
        results["p95_wait"], results["duty_hours"],
    )
    _run_threads(m * replications, lambda first, stop: _simulate_chunk(first, stop, *args))
    return Results(**results)


@dataclass(frozen=True)
class Fix:
    """One what-if for a TPS and how its finish moves (over the same random streams)."""

    change: str
    counting_end_mean: float
    p_after_midnight: float
    p_after_deadline: float


def suggest_fixes(tps: TPSInputs, index: int, params: Params | None = None,
                  replications: int = 200, seed: int = 0) -> list[Fix]:
    """What would make TPS `index` finish earlier: the TPS as it is, then one more desk, one
    more booth, and a split into two TPS, best first after the first.

    Each variant replays the same voters and counting draws (common random numbers), so the
    differences are the changes', not noise. For a split, the later half of the two counts.
    """
    params = params or Params()
    one = tps.take([index])
    base = resolve_inputs(one, params)
    deadline = params.counting.legal_deadline

    def outcome(change: str, variant: TPSInputs) -> Fix:
        ends = simulate(variant, params, replications, seed).counting_end.max(axis=0)
        return Fix(change, float(ends.mean()), float((ends > MIDNIGHT).mean()),
                   float((ends > deadline).mean()))

    fixes = [
        outcome("one more registration desk", replace(one, desks=base["desks"] + 1)),
        outcome("one more voting booth", replace(one, booths=base["booths"] + 1)),
    ]
    # Splitting halves every voter stream; each half gets its own KPPS and its own stream.
    halves = {
        "dpt": [base["dpt"][0] // 2, base["dpt"][0] - base["dpt"][0] // 2],
        "dptb": [base["dptb"][0] // 2, base["dptb"][0] - base["dptb"][0] // 2],
        "dpk": [base["dpk"][0] / 2] * 2,
        "key": [base["key"][0], base["key"][0] ^ np.uint64(0x5B117)],
    }
    split = replace(one, **{name: np.asarray(v) for name, v in halves.items()},
                    **{name: np.repeat(getattr(one, name), 2, axis=0)
                       for name in ("turnout", "desks", "booths", "contests", "options",
                                    "witness_copies") if getattr(one, name) is not None})
    fixes.append(outcome("split into two TPS", split))
    fixes.sort(key=lambda f: (f.p_after_deadline, f.p_after_midnight, f.counting_end_mean))
    return [outcome("as planned", one)] + fixes


def threads() -> int:
    """Threads the engine runs on (numba's pool; NUMBA_NUM_THREADS sets it)."""
    return numba.get_num_threads()
