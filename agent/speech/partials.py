"""Fast partial words from pocketsphinx while the patient is still talking.

Whisper re-decodes are too slow to tell "mhm" from "wait, stop" within a few hundred ms;
pocketsphinx's small English model gives its first words ~0.2-0.3 s after speech onset at about
0.2 CPU-seconds per audio second. Its words are rough: they feed INTERIM transcripts only; finals
always come from whisper. Decoders are expensive to create (~0.5 s), so a process-wide pool
hands them out per stream.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

_pool: list[Any] = []
_pool_lock = threading.Lock()


def _new_decoder() -> Any:
    from pocketsphinx import Decoder

    # Narrower search than the defaults: ~40 % less CPU, first words just as early.
    return Decoder(
        samprate=16000,
        loglevel="FATAL",
        fwdflat=False,
        bestpath=False,
        maxhmmpf=3000,
        ds=2,
        topn=2,
        pl_window=10,
    )


def warm_pool(n: int = 1) -> None:
    """Create `n` decoders ahead of time (prewarm)."""
    decoders = [_new_decoder() for _ in range(n)]
    with _pool_lock:
        _pool.extend(decoders)


class SphinxPartials:
    """One utterance at a time: `start()`, `feed(pcm) -> new hypothesis or None`, `stop()`.

    Blocking calls: run `feed` in a thread.
    """

    def __init__(self) -> None:
        with _pool_lock:
            pooled = _pool.pop() if _pool else None
        self._decoder: Any = pooled if pooled is not None else _new_decoder()
        self._active = False
        self._last = ""
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._active:
                self._decoder.end_utt()
            self._decoder.start_utt()
            self._active = True
            self._last = ""

    def feed(self, pcm: np.ndarray) -> str | None:
        with self._lock:
            if not self._active:
                return None
            self._decoder.process_raw(np.ascontiguousarray(pcm, dtype=np.int16).tobytes())
            hyp = self._decoder.hyp()
            text = hyp.hypstr.strip() if hyp is not None else ""
            if text and text != self._last:
                self._last = text
                return text
            return None

    def stop(self) -> None:
        with self._lock:
            if self._active:
                self._decoder.end_utt()
                self._active = False

    def close(self) -> None:
        self.stop()
        with _pool_lock:
            _pool.append(self._decoder)
