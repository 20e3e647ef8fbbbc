"""pcap files of RTP packets, for sipp's `play_pcap_audio` (e.g. RFC 2833 key presses)."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

from phone.rtp import RtpPacket

_LINKTYPE_ETHERNET = 1


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _frame(payload: bytes, src_port: int, dst_port: int) -> bytes:
    src_ip = dst_ip = bytes([127, 0, 0, 1])  # sipp rewrites the addresses when it plays
    udp = struct.pack("!HHHH", src_port, dst_port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
    eth = b"\0" * 12 + b"\x08\x00"
    return eth + ip + udp


def write_rtp_pcap(
    path: Path,
    packets: Sequence[RtpPacket],
    *,
    spacing_ms: int = 20,
    src_port: int = 6000,
    dst_port: int = 6000,
) -> Path:
    """One packet every `spacing_ms`; sipp replays them on that schedule."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, _LINKTYPE_ETHERNET)]
    t_us = 0
    for pkt in packets:
        t_us += spacing_ms * 1000
        frame = _frame(pkt.to_bytes(), src_port, dst_port)
        out.append(
            struct.pack("<IIII", t_us // 1_000_000, t_us % 1_000_000, len(frame), len(frame))
        )
        out.append(frame)
    path.write_bytes(b"".join(out))
    return path
