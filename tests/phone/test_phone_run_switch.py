"""`make run SIP=1` adds the phone gateway; without the switch nothing SIP-related starts."""

from __future__ import annotations

from scripts.run import config_from_env, taken_ports
from scripts.stack import services


def test_sip_switch_adds_the_gateway_only_when_asked() -> None:
    assert "phone" not in [s.name for s in services(config_from_env({}))]
    assert "phone" not in [s.name for s in services(config_from_env({"SIP": "0"}))]
    config = config_from_env({"SIP": "1", "SIP_PORT": "5071"})
    phone = [s for s in services(config) if s.name == "phone"]
    assert len(phone) == 1
    assert phone[0].argv[-3:] == ["-m", "phone", "serve"]
    assert phone[0].env["SIP_PORT"] == "5071"
    assert phone[0].env["LIVEKIT_URL"] == config.livekit_url


def test_sip_port_in_use_is_reported_before_starting() -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
        busy.bind(("127.0.0.1", 0))
        port = busy.getsockname()[1]
        config = config_from_env({"SIP": "1", "SIP_PORT": str(port)})
        assert any("SIP_PORT" in t for t in taken_ports(config))
