"""The gateway's SIP signalling over real UDP (no LiveKit needed for these paths)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from phone.gateway import SipGateway
from phone.options import GatewayOptions
from phone.sip import SipMessage


class Client(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.inbox: asyncio.Queue[SipMessage] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.inbox.put_nowait(SipMessage.parse(data))


@pytest.fixture
async def wire() -> AsyncIterator[tuple[SipGateway, asyncio.DatagramTransport, Client]]:
    # LiveKit on a closed port: an INVITE that gets as far as joining a room fails fast
    gw = SipGateway(GatewayOptions(sip_port=0, livekit_url="ws://127.0.0.1:9", ring_s=0.0))
    await gw.start()
    loop = asyncio.get_running_loop()
    transport, client = await loop.create_datagram_endpoint(
        Client, remote_addr=("127.0.0.1", gw.port)
    )
    yield gw, transport, client
    transport.close()
    await gw.stop()


def request(method: str, call_id: str, body: str = "", cseq: int = 1) -> bytes:
    head = (
        f"{method} sip:clinic@127.0.0.1 SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-t\r\n"
        "From: <sip:+15551234567@127.0.0.1>;tag=t1\r\nTo: <sip:clinic@127.0.0.1>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: {cseq} {method}\r\n"
    )
    if body:
        head += "Content-Type: application/sdp\r\n"
    return (head + f"Content-Length: {len(body)}\r\n\r\n{body}").encode()


def sdp(codecs: str) -> str:
    return f"v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP {codecs}\r\n"


async def next_status(client: Client) -> int:
    return (await asyncio.wait_for(client.inbox.get(), 5)).status


async def test_options_is_answered_with_allow(wire: tuple) -> None:  # type: ignore[type-arg]
    _gw, transport, client = wire
    transport.sendto(request("OPTIONS", "o-1"))
    msg = await asyncio.wait_for(client.inbox.get(), 5)
    assert msg.status == 200 and "INVITE" in (msg.get("Allow") or "")


async def test_invite_without_g711_is_488(wire: tuple) -> None:  # type: ignore[type-arg]
    _gw, transport, client = wire
    transport.sendto(request("INVITE", "i-1", sdp("18")))
    assert [await next_status(client), await next_status(client)] == [100, 488]


async def test_bye_for_unknown_call_is_481(wire: tuple) -> None:  # type: ignore[type-arg]
    _gw, transport, client = wire
    transport.sendto(request("BYE", "nope"))
    assert await next_status(client) == 481


async def test_unsupported_method_is_405(wire: tuple) -> None:  # type: ignore[type-arg]
    _gw, transport, client = wire
    transport.sendto(request("SUBSCRIBE", "s-1"))
    assert await next_status(client) == 405


async def test_invite_when_livekit_is_down_is_503_and_forgotten(wire: tuple) -> None:  # type: ignore[type-arg]
    gw, transport, client = wire
    transport.sendto(request("INVITE", "i-2", sdp("0 101")))
    statuses = [await next_status(client) for _ in range(3)]
    assert statuses == [100, 180, 503]
    assert "i-2" not in gw.dialogs


async def test_cancel_before_answer_is_487(wire: tuple) -> None:  # type: ignore[type-arg]
    gw, transport, client = wire
    # a LiveKit that accepts the connection and never answers: the call stays ringing
    silent = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    gw.options = GatewayOptions(sip_port=0, livekit_url=f"ws://127.0.0.1:{port}")
    transport.sendto(request("INVITE", "i-3", sdp("0")))
    assert await next_status(client) == 100
    assert await next_status(client) == 180
    transport.sendto(request("CANCEL", "i-3"))
    assert sorted([await next_status(client), await next_status(client)]) == [200, 487]
    await asyncio.sleep(0.1)
    assert "i-3" not in gw.dialogs
    silent.close()


async def test_garbage_is_dropped_and_gateway_keeps_serving(wire: tuple) -> None:  # type: ignore[type-arg]
    _gw, transport, client = wire
    transport.sendto(b"\x00\x01garbage")
    transport.sendto(request("OPTIONS", "o-2"))
    assert await next_status(client) == 200
