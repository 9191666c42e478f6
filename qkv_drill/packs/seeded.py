"""numpy's seeded draws in plain Python, bit for bit: `default_rng(seed)`, its `shuffle(list)`
and its `integers(...)`.

Every draw is fixed by (question id, seed, attempt) through numpy's PCG64 generator, and stored
interviews re-draw their questions from those seeds, so a draw must never change. A question that
draws no numbers needs the generator only to order its options, and a computed one only to draw
its numbers before the engine works out the answer: doing that here shows either without
importing numpy, most of the cost of `qkv-drill practice`'s first question.
tests/packs/test_seeded.py compares every step with numpy over thousands of seeds.
"""

from __future__ import annotations

import hashlib
from typing import Any

_M32 = 0xFFFFFFFF
_M64 = (1 << 64) - 1
_M128 = (1 << 128) - 1
# numpy's SeedSequence hash constants (numpy/random/bit_generator.pyx) and the PCG64 multiplier.
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_MULT_L, _MIX_MULT_R = 0xCA01F9DD, 0x4973F715
_POOL = 4
_PCG_MULT = (2549297995355413924 << 64) + 4865540595714422341


def seed_for(question_id: str, seed: int, attempt: int = 0) -> int:
    """The generator seed of one draw, stable across processes and versions."""
    digest = hashlib.sha256(f"{question_id}\0{seed}\0{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def seed_state(seed: int) -> list[int]:
    """`SeedSequence(seed).generate_state(4, np.uint64)`: four 64-bit words."""
    entropy = []
    rest = seed
    while True:
        entropy.append(rest & _M32)
        rest >>= 32
        if not rest:
            break
    h = _INIT_A

    def hashmix(value: int) -> int:
        nonlocal h
        value ^= h
        h = (h * _MULT_A) & _M32
        value = (value * h) & _M32
        return value ^ (value >> 16)

    def mix(x: int, y: int) -> int:
        r = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _M32
        return r ^ (r >> 16)

    pool = [hashmix(entropy[i] if i < len(entropy) else 0) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for src in range(_POOL, len(entropy)):
        for dst in range(_POOL):
            pool[dst] = mix(pool[dst], hashmix(entropy[src]))
    hb = _INIT_B
    words = []
    for i in range(2 * _POOL):
        value = pool[i % _POOL] ^ hb
        hb = (hb * _MULT_B) & _M32
        value = (value * hb) & _M32
        words.append(value ^ (value >> 16))
    return [words[2 * i] | (words[2 * i + 1] << 32) for i in range(_POOL)]


class PCG64:
    """numpy's PCG64 (XSL-RR 128/64) with its Generator's 32-bit buffering and shuffle."""

    def __init__(self, seed: int) -> None:
        s = seed_state(seed)
        self.inc = ((((s[2] << 64) | s[3]) << 1) | 1) & _M128
        self.state = 0
        self._step()
        self.state = (self.state + ((s[0] << 64) | s[1])) & _M128
        self._step()
        self._half: int | None = None  # the high half of the last 64 bits, not yet used

    def _step(self) -> None:
        self.state = (self.state * _PCG_MULT + self.inc) & _M128

    def next64(self) -> int:
        self._step()
        s = self.state
        x = ((s >> 64) ^ s) & _M64
        r = s >> 122
        return ((x >> r) | (x << (64 - r))) & _M64

    def next32(self) -> int:
        if self._half is not None:
            value, self._half = self._half, None
            return value
        n = self.next64()
        self._half = n >> 32
        return n & _M32

    def interval(self, high: int) -> int:
        """Uniform in 0..high by masked rejection (numpy's random_interval)."""
        if high == 0:
            return 0
        mask = high
        for shift in (1, 2, 4, 8, 16, 32):
            mask |= mask >> shift
        draw = self.next32 if high <= _M32 else self.next64
        while True:
            value = draw() & mask
            if value <= high:
                return value

    def bounded(self, rng: int) -> int:
        """Uniform in 0..rng, as numpy's `Generator.integers` draws one int64 (Lemire's method,
        from 32 bits while the range fits in them; random_bounded_uint64_fill)."""
        if rng == 0:
            return 0
        if rng == _M32:
            return self.next32()
        bits, draw = (32, self.next32) if rng < _M32 else (64, self.next64)
        mask = (1 << bits) - 1
        excl = rng + 1
        m = draw() * excl
        if m & mask < excl:
            threshold = (mask - rng) % excl
            while m & mask < threshold:
                m = draw() * excl
        return m >> bits

    def integers(self, low: int, high: int | None = None, size: Any = None) -> Any:
        """`Generator.integers(low, high, size)` (int64, high excluded): an int, or nested lists
        of them (row-major, as `.tolist()` gives) when `size` is a shape."""
        if high is None:
            low, high = 0, low
        if high <= low:
            raise ValueError("high <= low")
        if high - 1 - low > _M64:
            raise ValueError("the range does not fit in 64 bits")
        if size is None:
            return low + self.bounded(high - 1 - low)
        shape = [size] if isinstance(size, int) else list(size)
        count = 1
        for n in shape:
            count *= n
        rows: list[Any] = [low + self.bounded(high - 1 - low) for _ in range(count)]
        for n in reversed(shape[1:]):
            rows = [rows[i : i + n] for i in range(0, len(rows), n)]
        return rows

    def shuffle(self, items: list[Any]) -> None:
        """In place, as `Generator.shuffle` does a Python list."""
        for i in reversed(range(1, len(items))):
            j = self.interval(i)
            items[i], items[j] = items[j], items[i]
