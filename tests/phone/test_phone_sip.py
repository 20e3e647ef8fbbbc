"""SIP message and SDP parsing/building, options, provisioning requests (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phone.options import GatewayOptions, mask_number
from phone.provision import TrunkPlan, dispatch_request, trunk_request
from phone.sip import SipError, SipMessage, build_sdp, parse_sdp, response, tag_of, user_of

INVITE = (
    "INVITE sip:clinic@127.0.0.1:5060 SIP/2.0\r\n"
    "v: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1\r\n"
    'f: "Pat" <sip:+15551234567@127.0.0.1:5061>;tag=abc\r\n'
    "t: <sip:clinic@127.0.0.1:5060>\r\n"
    "i: call-1@127.0.0.1\r\n"
    "CSeq: 1 INVITE\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: {n}\r\n\r\n{body}"
)
SDP = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
    "m=audio 6000 RTP/AVP 18 8 0 101\r\na=rtpmap:18 G729/8000\r\na=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
)


def _invite() -> SipMessage:
    return SipMessage.parse(INVITE.format(n=len(SDP), body=SDP).encode())


def test_invite_parse_and_response_mirror_headers() -> None:
    msg = _invite()
    assert msg.is_request and msg.method == "INVITE" and msg.call_id == "call-1@127.0.0.1"
    assert user_of(msg.header("From")) == "+15551234567" and tag_of(msg.header("From")) == "abc"
    ok = SipMessage.parse(response(msg, 200, to_tag="xyz").to_bytes())
    assert ok.status == 200 and ok.cseq_method == "INVITE"
    assert tag_of(ok.header("To")) == "xyz" and ok.header("Via") == msg.header("Via")


def test_sdp_offer_picks_first_g711_and_dtmf() -> None:
    offer = parse_sdp(_invite().body)
    assert (offer.address, offer.port, offer.pick_codec()) == ("127.0.0.2", 6000, (8, "PCMA"))
    assert offer.dtmf_payload_type == 101
    answer = parse_sdp(build_sdp("127.0.0.1", 20000, (8, "PCMA"), 101, 7))
    assert answer.payload_types == (8, 101) and answer.port == 20000


def test_offer_without_g711_has_no_codec() -> None:
    sdp = "v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 6000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n"
    assert parse_sdp(sdp.encode()).pick_codec() is None


@pytest.mark.parametrize(
    "raw, why",
    [
        (b"HELLO\r\n\r\n", "start line"),
        (b"OPTIONS sip:x SIP/2.0\r\nVia: a\r\n\r\n", "missing"),
        (
            b"BYE sip:x SIP/2.0\r\nVia: a\r\nFrom: b\r\nTo: c\r\nCall-ID: d\r\nCSeq: x\r\n\r\n",
            "CSeq",
        ),
    ],
)
def test_bad_messages_are_clear_errors(raw: bytes, why: str) -> None:
    with pytest.raises(SipError, match=why):
        SipMessage.parse(raw)


def test_sdp_without_audio_is_an_error() -> None:
    with pytest.raises(SipError, match="no audio"):
        parse_sdp(b"v=0\r\n")


def test_options_from_env_and_masking() -> None:
    opts = GatewayOptions.from_env({"SIP_PORT": "5099", "LIVEKIT_URL": "ws://h:1"})
    assert (opts.sip_port, opts.livekit_url, opts.sip_host) == (5099, "ws://h:1", "127.0.0.1")
    with pytest.raises(ValueError, match="SIP_PORT"):
        GatewayOptions.from_env({"SIP_PORT": "five"})
    assert mask_number("+1 (555) 123-4567") == "***-***-4567"
    assert mask_number(None) == "unknown"


def test_provision_requests() -> None:
    plan = TrunkPlan(numbers=("+15550100",), allowed_addresses=("203.0.113.0/24",))
    trunk = trunk_request(plan).trunk
    assert list(trunk.numbers) == ["+15550100"] and list(trunk.allowed_addresses) == [
        "203.0.113.0/24"
    ]
    rule = dispatch_request(plan, "ST_abc").dispatch_rule
    assert list(rule.trunk_ids) == ["ST_abc"]
    assert rule.rule.dispatch_rule_individual.room_prefix == "clinic-phone-"
    agents = rule.room_config.agents
    assert [a.agent_name for a in agents] == ["clinic-receptionist"]
    assert json.loads(agents[0].metadata) == {"channel": "phone"}
    with pytest.raises(ValueError, match="phone number"):
        trunk_request(TrunkPlan(numbers=()))
    with pytest.raises(ValueError, match="both"):
        trunk_request(TrunkPlan(numbers=("+1",), auth_username="u"))


def test_bench_reads_the_public_patient_lines(tmp_path: Path) -> None:
    from phone.bench import patient_lines

    (tmp_path / "a.yaml").write_text(
        'name: a\nsteps:\n  - say: "Hi there"\n  - dtmf: "0"\n  - say: "Bye"\n'
    )
    (tmp_path / "b.yaml").write_text("name: b\nsteps:\n  - hangup: true\n")
    assert patient_lines(tmp_path) == ["Hi there", "Bye"]
    assert patient_lines(tmp_path, limit=1) == ["Hi there"]
