"""RTP packets (RFC 3550) and RFC 4733/2833 telephone-event DTMF.

Only what a G.711 phone leg needs: fixed 12-byte header plus CSRCs/extension skipped on
receive, and a sender that keeps sequence number, timestamp and SSRC consistent.
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass

RTP_VERSION = 2
DTMF_DIGITS = "0123456789*#ABCD"


class RtpError(ValueError):
    """A datagram that is not a usable RTP packet."""


@dataclass(frozen=True)
class RtpPacket:
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes
    marker: bool = False

    def to_bytes(self) -> bytes:
        first = RTP_VERSION << 6
        second = (0x80 if self.marker else 0) | (self.payload_type & 0x7F)
        header = struct.pack(
            "!BBHII", first, second, self.sequence & 0xFFFF, self.timestamp & 0xFFFFFFFF, self.ssrc
        )
        return header + self.payload

    @classmethod
    def parse(cls, data: bytes) -> RtpPacket:
        if len(data) < 12:
            raise RtpError(f"RTP packet too short ({len(data)} bytes)")
        first, second, seq, ts, ssrc = struct.unpack("!BBHII", data[:12])
        if first >> 6 != RTP_VERSION:
            raise RtpError(f"not RTP version 2 (got {first >> 6})")
        offset = 12 + 4 * (first & 0x0F)
        if first & 0x10:  # header extension: 4-byte header then length words
            if len(data) < offset + 4:
                raise RtpError("truncated RTP header extension")
            (words,) = struct.unpack("!H", data[offset + 2 : offset + 4])
            offset += 4 + 4 * words
        end = len(data)
        if first & 0x20:  # padding: last byte says how much
            end -= data[-1]
        if offset > end:
            raise RtpError("RTP header longer than the packet")
        return cls(second & 0x7F, seq, ts, ssrc, bytes(data[offset:end]), bool(second & 0x80))


class RtpSender:
    """Builds consecutive packets of one stream: random SSRC/sequence/timestamp start."""

    def __init__(
        self, payload_type: int, samples_per_packet: int = 160, *, seed: int | None = None
    ):
        rng = random.Random(seed)
        self.payload_type = payload_type
        self.samples_per_packet = samples_per_packet
        self.ssrc = rng.getrandbits(32)
        self.sequence = rng.getrandbits(16)
        self.timestamp = rng.getrandbits(32)
        self._first = True

    def next(self, payload: bytes) -> RtpPacket:
        pkt = RtpPacket(
            self.payload_type, self.sequence, self.timestamp, self.ssrc, payload, self._first
        )
        self._first = False
        self.sequence = (self.sequence + 1) & 0xFFFF
        self.timestamp = (self.timestamp + self.samples_per_packet) & 0xFFFFFFFF
        return pkt


@dataclass(frozen=True)
class DtmfEvent:
    code: int  # 0-15 as in RFC 4733 (10 = '*', 11 = '#')
    end: bool
    volume: int
    duration: int  # in timestamp units

    @property
    def digit(self) -> str:
        return DTMF_DIGITS[self.code]

    def to_bytes(self) -> bytes:
        return struct.pack(
            "!BBH", self.code, (0x80 if self.end else 0) | (self.volume & 0x3F), self.duration
        )

    @classmethod
    def parse(cls, payload: bytes) -> DtmfEvent:
        if len(payload) < 4:
            raise RtpError(f"telephone-event payload too short ({len(payload)} bytes)")
        code, flags, duration = struct.unpack("!BBH", payload[:4])
        if code >= len(DTMF_DIGITS):
            raise RtpError(f"telephone-event {code} is not a DTMF digit")
        return cls(code, bool(flags & 0x80), flags & 0x3F, duration)


class DtmfDetector:
    """Turns a telephone-event packet stream into digits, once per key press.

    A sender repeats the end-of-event packet (usually three times) with the same RTP
    timestamp; the event's timestamp identifies the press, so repeats are dropped.
    """

    def __init__(self) -> None:
        self._done: set[int] = set()
        self._order: list[int] = []

    def feed(self, packet: RtpPacket) -> DtmfEvent | None:
        event = DtmfEvent.parse(packet.payload)
        if not event.end or packet.timestamp in self._done:
            return None
        self._done.add(packet.timestamp)
        self._order.append(packet.timestamp)
        if len(self._order) > 64:  # remember recent presses only
            self._done.discard(self._order.pop(0))
        return event


def dtmf_packets(
    sender: RtpSender, digit: str, *, duration_ms: int = 100, volume: int = 10
) -> list[RtpPacket]:
    """The packets one key press takes: events every 20 ms, then three end packets, all
    with the timestamp of the press start (RFC 4733 §2.5)."""
    if len(digit) != 1 or digit.upper() not in DTMF_DIGITS:
        raise ValueError(f"not a DTMF digit: {digit!r}")
    code = DTMF_DIGITS.index(digit.upper())
    rate_per_ms = sender.samples_per_packet // 20
    start_ts = sender.timestamp
    packets: list[RtpPacket] = []
    steps = max(1, duration_ms // 20)
    for i in range(1, steps + 1):
        end = i == steps
        ev = DtmfEvent(code, end, volume, i * 20 * rate_per_ms)
        for _ in range(3 if end else 1):
            packets.append(
                RtpPacket(
                    sender.payload_type,
                    sender.sequence,
                    start_ts,
                    sender.ssrc,
                    ev.to_bytes(),
                    marker=i == 1,
                )
            )
            sender.sequence = (sender.sequence + 1) & 0xFFFF
    sender.timestamp = (start_ts + steps * 20 * rate_per_ms) & 0xFFFFFFFF
    return packets
