"""A small name table (first rank, last rank; 0: not common in that place) for name tests."""

from __future__ import annotations

NAME_RANKS: dict[str, tuple[int, int]] = {
    "maria": (2, 160),
    "marita": (1540, 0),
    "marta": (900, 0),
    "martha": (120, 0),
    "lopez": (0, 4),
    "rossi": (0, 700),
    "grace": (264, 0),
    "kim": (46, 10),
    "ken": (60, 1370),
    "khan": (20, 8),
    "ada": (400, 0),
    "park": (0, 30),
}
