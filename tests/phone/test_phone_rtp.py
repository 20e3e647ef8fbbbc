"""RTP packets and RFC 2833 DTMF: parsing, sequencing, end-packet dedupe."""

from __future__ import annotations

import pytest

from phone.rtp import DtmfDetector, DtmfEvent, RtpError, RtpPacket, RtpSender, dtmf_packets


def test_packet_round_trip_and_sender_sequence() -> None:
    sender = RtpSender(0, 160, seed=1)
    first = sender.next(b"\xff" * 160)
    second = sender.next(b"\xff" * 160)
    assert first.marker and not second.marker
    assert second.sequence == (first.sequence + 1) & 0xFFFF
    assert second.timestamp == (first.timestamp + 160) & 0xFFFFFFFF
    assert second.ssrc == first.ssrc
    parsed = RtpPacket.parse(second.to_bytes())
    assert parsed == second


def test_sequence_and_timestamp_wrap() -> None:
    sender = RtpSender(8, 160, seed=2)
    sender.sequence, sender.timestamp = 0xFFFF, 0xFFFFFFFF - 100
    sender.next(b"")
    pkt = sender.next(b"")
    assert pkt.sequence == 0 and pkt.timestamp == 59


def test_csrc_extension_and_padding_are_skipped() -> None:
    base = RtpPacket(0, 7, 1000, 42, b"abcd").to_bytes()
    # CC=1 (one CSRC), X=1 (one-word extension), P=1 (2 bytes padding)
    first = bytes([0x80 | 0x20 | 0x10 | 0x01])
    raw = first + base[1:12] + b"CSRC" + b"\xbe\xde\x00\x01" + b"EXT!" + b"abcd" + b"\x00\x02"
    assert RtpPacket.parse(raw).payload == b"abcd"


@pytest.mark.parametrize(
    "raw, why",
    [
        (b"\x80\x00", "too short"),
        (b"\x40" + b"\0" * 11, "version"),
        (b"\x8f" + b"\0" * 11, "longer"),
    ],
)
def test_bad_packets_are_clear_errors(raw: bytes, why: str) -> None:
    with pytest.raises(RtpError, match=why):
        RtpPacket.parse(raw)


def test_dtmf_press_is_reported_once_despite_three_end_packets() -> None:
    sender = RtpSender(101, seed=3)
    packets = dtmf_packets(sender, "0") + dtmf_packets(sender, "#") + dtmf_packets(sender, "0")
    ends = [p for p in packets if DtmfEvent.parse(p.payload).end]
    assert len(ends) == 9  # three presses, three end packets each
    detector = DtmfDetector()
    got = [ev.digit for p in packets if (ev := detector.feed(p)) is not None]
    assert got == ["0", "#", "0"]


def test_dtmf_event_fields() -> None:
    ev = DtmfEvent.parse(bytes([11, 0x80 | 10, 0x03, 0x20]))
    assert (ev.digit, ev.end, ev.volume, ev.duration) == ("#", True, 10, 800)
    with pytest.raises(RtpError, match="not a DTMF digit"):
        DtmfEvent.parse(bytes([42, 0, 0, 0]))
    with pytest.raises(ValueError, match="not a DTMF digit"):
        dtmf_packets(RtpSender(101), "x")
