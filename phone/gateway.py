"""A small SIP user agent server (UDP) that bridges each call into a new LiveKit room.

It stands where livekit-sip would on this machine: INVITE → 100 Trying, 180 Ringing,
200 OK with an SDP answer once the caller's participant is in the room; ACK, CANCEL,
BYE in both directions, OPTIONS. Responses to INVITE are retransmitted until the ACK
arrives (RFC 3261 §13.3.1.4) and our BYE until its response.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field

from phone.bridge import CallInfo, MediaBridge
from phone.options import GatewayOptions, mask_number
from phone.sip import (
    SipError,
    SipMessage,
    build_sdp,
    new_branch,
    new_tag,
    parse_sdp,
    response,
    tag_of,
    uri_of,
    user_of,
)

log = logging.getLogger("phone.gateway")

T1 = 0.5
ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS"


@dataclass
class Dialog:
    invite: SipMessage
    addr: tuple[str, int]
    local_tag: str
    info: CallInfo | None = None
    bridge: MediaBridge | None = None
    final: SipMessage | None = None  # last final response to the INVITE (for retransmits)
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    answered: bool = False
    ended: bool = False
    local_cseq: int = 1
    setup: asyncio.Task[None] | None = None
    bye_done: asyncio.Event = field(default_factory=asyncio.Event)


class SipGateway(asyncio.DatagramProtocol):
    def __init__(self, options: GatewayOptions) -> None:
        self.options = options
        self.transport: asyncio.DatagramTransport | None = None
        self.dialogs: dict[str, Dialog] = {}
        self.finished: list[Dialog] = []  # ended calls, newest last (stats for tests/logs)
        self._tasks: set[asyncio.Task[None]] = set()

    # --- life cycle -----------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(
            lambda: self, local_addr=(self.options.sip_host, self.options.sip_port)
        )
        log.info("SIP gateway listening on udp %s:%d", self.options.sip_host, self.port)

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    async def stop(self) -> None:
        for dialog in list(self.dialogs.values()):
            await self._hangup(dialog, "gateway stopping")
        if self.transport is not None:
            self.transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram endpoint

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _send(self, msg: SipMessage, addr: tuple[str, int]) -> None:
        assert self.transport is not None
        self.transport.sendto(msg.to_bytes(), addr)

    # --- receive --------------------------------------------------------------------
    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if data.strip() == b"":  # keep-alive CRLF
            return
        try:
            msg = SipMessage.parse(data)
        except SipError as exc:
            log.warning("dropped a bad SIP datagram from %s: %s", addr, exc)
            self._reject_garbage(data, addr, str(exc))
            return
        if not msg.is_request:
            self._on_response(msg)
            return
        handler = {
            "INVITE": self._on_invite,
            "ACK": self._on_ack,
            "BYE": self._on_bye,
            "CANCEL": self._on_cancel,
            "OPTIONS": self._on_options,
        }.get(msg.method)
        if handler is None:
            self._send(response(msg, 405, extra=[("Allow", ALLOW)]), addr)
            return
        handler(msg, addr)

    def _reject_garbage(self, data: bytes, addr: tuple[str, int], reason: str) -> None:
        # A request we can half-read still gets a 400 naming the problem.
        try:
            lines = data.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
            headers = [
                tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:] if ":" in line
            ]
            partial = SipMessage(lines[0], [(k, v) for k, v in headers])  # type: ignore[misc]
            if partial.is_request and partial.get("Via") and partial.get("Call-ID"):
                bad = SipMessage(
                    f"SIP/2.0 400 {reason[:80]}",
                    [
                        (k, v)
                        for k, v in partial.headers
                        if k.lower() in ("via", "from", "to", "call-id", "cseq")
                    ],
                )
                self._send(bad, addr)
        except Exception:  # nothing sensible to answer
            return

    def _on_options(self, msg: SipMessage, addr: tuple[str, int]) -> None:
        extra = [("Allow", ALLOW), ("Accept", "application/sdp")]
        self._send(response(msg, 200, to_tag=new_tag(), extra=extra), addr)

    def _on_invite(self, msg: SipMessage, addr: tuple[str, int]) -> None:
        dialog = self.dialogs.get(msg.call_id)
        if dialog is not None:
            if tag_of(msg.header("To")):  # re-INVITE inside the dialog: keep our media
                self._answer_reinvite(dialog, msg, addr)
            elif dialog.final is not None:  # retransmitted INVITE
                self._send(dialog.final, addr)
            else:
                self._send(response(msg, 100), addr)
            return
        self._send(response(msg, 100), addr)
        try:
            offer = parse_sdp(msg.body)
        except SipError as exc:
            self._send(
                response(msg, 400, to_tag=new_tag(), extra=[("Warning", f'399 - "{exc}"')]), addr
            )
            return
        codec = offer.pick_codec()
        if codec is None:
            self._send(response(msg, 488, to_tag=new_tag()), addr)
            return
        dialog = Dialog(invite=msg, addr=addr, local_tag=new_tag())
        info = CallInfo(
            call_id=msg.call_id,
            caller=user_of(msg.header("From")) or "anonymous",
            callee=user_of(msg.header("To")) or "",
            codec=codec,
            dtmf_pt=offer.dtmf_payload_type,
            remote_rtp=(offer.address or addr[0], offer.port),
        )
        dialog.info = info
        self.dialogs[msg.call_id] = dialog
        log.info("INVITE %s from %s (%s)", msg.call_id, mask_number(info.caller), codec[1])
        dialog.setup = asyncio.create_task(self._setup(dialog))

    async def _setup(self, dialog: Dialog) -> None:
        assert dialog.info is not None
        msg = dialog.invite
        bridge: MediaBridge | None = None

        def on_rtp(data: bytes, src: tuple[str, int]) -> None:
            if bridge is not None:
                bridge.on_rtp(data, src)

        try:
            transport, rtp_port = await MediaBridge.open_rtp(self.options, on_rtp)
            bridge = MediaBridge(
                self.options, dialog.info, transport,
                lambda reason: self._spawn(self._hangup(dialog, reason)),
            )  # fmt: skip
            dialog.bridge = bridge
            self._send(response(msg, 180, to_tag=dialog.local_tag), dialog.addr)
            await asyncio.gather(bridge.connect(), asyncio.sleep(self.options.ring_s))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("call %s could not join LiveKit: %s", msg.call_id, exc)
            await self._reject(dialog, 503)
            return
        # Keep ringing until the agent is in the room with its audio: the caller hears
        # ringing, not dead air, while a job process starts.
        try:
            await asyncio.wait_for(bridge.agent_ready.wait(), self.options.agent_wait_s)
        except TimeoutError:
            log.warning("call %s: no agent after %.0f s", msg.call_id, self.options.agent_wait_s)
            await self._reject(dialog, 480)
            return
        sdp = build_sdp(
            self.options.rtp_host, rtp_port, dialog.info.codec, dialog.info.dtmf_pt,
            random.getrandbits(31),
        )  # fmt: skip
        dialog.final = response(
            msg, 200, to_tag=dialog.local_tag, body=sdp,
            extra=[("Contact", f"<sip:clinic@{self.options.sip_host}:{self.port}>"),
                   ("Allow", ALLOW), ("Content-Type", "application/sdp")],
        )  # fmt: skip
        dialog.answered = True
        self._send(dialog.final, dialog.addr)
        bridge.answered()
        self._spawn(self._retransmit_until_ack(dialog))

    async def _reject(self, dialog: Dialog, status: int) -> None:
        dialog.final = response(dialog.invite, status, to_tag=dialog.local_tag)
        self._send(dialog.final, dialog.addr)
        await self._end(dialog)

    async def _retransmit_until_ack(self, dialog: Dialog) -> None:
        interval = T1
        for _ in range(7):  # ~32 s (64*T1) in all, then give up on the caller
            try:
                await asyncio.wait_for(dialog.acked.wait(), interval)
                return
            except TimeoutError:
                if dialog.ended or dialog.final is None:
                    return
                self._send(dialog.final, dialog.addr)
                interval = min(interval * 2, 4.0)
        log.warning("call %s: no ACK for 200 OK; hanging up", dialog.invite.call_id)
        await self._hangup(dialog, "no ACK")

    def _answer_reinvite(self, dialog: Dialog, msg: SipMessage, addr: tuple[str, int]) -> None:
        # Session refresh / hold: we keep the same media and answer with our current SDP.
        body = dialog.final.body if dialog.final is not None else b""
        extra = [("Contact", f"<sip:clinic@{self.options.sip_host}:{self.port}>"),
                 ("Content-Type", "application/sdp")]  # fmt: skip
        self._send(response(msg, 200, to_tag=dialog.local_tag, extra=extra, body=body), addr)

    def _on_ack(self, msg: SipMessage, _addr: tuple[str, int]) -> None:
        dialog = self.dialogs.get(msg.call_id)
        if dialog is not None:
            dialog.acked.set()

    def _on_cancel(self, msg: SipMessage, addr: tuple[str, int]) -> None:
        dialog = self.dialogs.get(msg.call_id)
        if dialog is None:
            self._send(response(msg, 481, to_tag=new_tag()), addr)
            return
        self._send(response(msg, 200, to_tag=dialog.local_tag), addr)
        if dialog.answered:
            return  # too late: the call is up, the caller must send BYE
        log.info("call %s cancelled by the caller", msg.call_id)
        if dialog.setup is not None:
            dialog.setup.cancel()
        dialog.final = response(dialog.invite, 487, to_tag=dialog.local_tag)
        self._send(dialog.final, dialog.addr)
        self._spawn(self._end(dialog))

    def _on_bye(self, msg: SipMessage, addr: tuple[str, int]) -> None:
        dialog = self.dialogs.get(msg.call_id)
        if dialog is None:
            self._send(response(msg, 481, to_tag=new_tag()), addr)
            return
        self._send(response(msg, 200), addr)
        log.info("call %s: caller hung up", msg.call_id)
        self._spawn(self._end(dialog))

    def _on_response(self, msg: SipMessage) -> None:
        dialog = self.dialogs.get(msg.call_id) or next(
            (d for d in self.finished if d.invite.call_id == msg.call_id), None
        )
        if dialog is not None and msg.cseq_method == "BYE" and msg.status >= 200:
            dialog.bye_done.set()

    # --- hang up --------------------------------------------------------------------
    async def _hangup(self, dialog: Dialog, reason: str) -> None:
        """We end the call: BYE to the caller (once), then the room."""
        if dialog.ended:
            return
        log.info("call %s: hanging up (%s)", dialog.invite.call_id, reason)
        if dialog.answered:
            bye = self._bye(dialog)
            interval = T1
            for _ in range(4):
                self._send(bye, dialog.addr)
                try:
                    await asyncio.wait_for(dialog.bye_done.wait(), interval)
                    break
                except TimeoutError:
                    interval *= 2
        await self._end(dialog)

    def _bye(self, dialog: Dialog) -> SipMessage:
        inv = dialog.invite
        dialog.local_cseq += 1
        target = uri_of(inv.get("Contact") or inv.header("From"))
        to_hdr = inv.header("To")
        headers = [
            ("Via", f"SIP/2.0/UDP {self.options.sip_host}:{self.port};branch={new_branch()}"),
            ("Max-Forwards", "70"),
            ("From", f"{to_hdr};tag={dialog.local_tag}" if not tag_of(to_hdr) else to_hdr),
            ("To", inv.header("From")),
            ("Call-ID", inv.call_id),
            ("CSeq", f"{dialog.local_cseq} BYE"),
        ]
        return SipMessage(f"BYE {target} SIP/2.0", headers)

    async def _end(self, dialog: Dialog) -> None:
        if dialog.ended:
            return
        dialog.ended = True
        self.dialogs.pop(dialog.invite.call_id, None)
        self.finished.append(dialog)
        del self.finished[:-50]
        if dialog.bridge is not None:
            await dialog.bridge.close()
            s = dialog.bridge.stats
            log.info(
                "call %s ended: rtp in %d %s, out %d (voiced %d), dtmf %s",
                dialog.invite.call_id, s.rtp_in, s.payload_types, s.rtp_out, s.rtp_out_voiced,
                "".join(s.dtmf) or "-",
            )  # fmt: skip
