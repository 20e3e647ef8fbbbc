"""G.711 WAV files (format 7 = μ-law, 6 = A-law), the kind sipp's rtp_stream plays."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from phone import g711

_FORMAT = {"PCMU": 7, "PCMA": 6}


def write_g711_wav(path: Path, pcm_8k: g711.PCM, codec: str = "PCMU") -> Path:
    """8 kHz int16 PCM → a mono 8-bit G.711 WAV."""
    if codec not in _FORMAT:
        raise ValueError(f"unknown G.711 codec {codec!r} (PCMU or PCMA)")
    data = g711.encode(np.asarray(pcm_8k, dtype=np.int16), codec)
    fmt = struct.pack("<HHIIHHH", _FORMAT[codec], 1, 8000, 8000, 1, 8, 0)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"fact" + struct.pack("<II", 4, len(data))
    body += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def read_g711_wav(path: Path) -> tuple[str, g711.PCM]:
    """The codec and decoded 8 kHz PCM of a file written by `write_g711_wav`."""
    raw = path.read_bytes()
    if raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        raise ValueError(f"{path} is not a WAV file")
    pos, codec, data = 12, None, None
    while pos + 8 <= len(raw):
        cid, size = raw[pos : pos + 4], struct.unpack("<I", raw[pos + 4 : pos + 8])[0]
        chunk = raw[pos + 8 : pos + 8 + size]
        if cid == b"fmt ":
            tag = struct.unpack("<H", chunk[:2])[0]
            codec = {v: k for k, v in _FORMAT.items()}.get(tag)
        elif cid == b"data":
            data = chunk
        pos += 8 + size + (size & 1)
    if codec is None or data is None:
        raise ValueError(f"{path} is not a G.711 WAV")
    return codec, g711.decode(data, codec)
