"""One phone call's media: the RTP leg on one side, a LiveKit room on the other.

Caller RTP (G.711, 20 ms) is decoded and published as the `sip_<caller>` participant's
microphone; the agent's audio is subscribed at 8 kHz, G.711-encoded and sent back as RTP
on a 20 ms clock (silence when the agent is quiet, so the stream stays continuous).
RFC 2833 key presses become `publish_dtmf`, which the agent sees as `sip_dtmf_received`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from livekit import api, rtc

from phone import g711
from phone.options import GatewayOptions, mask_number
from phone.rtp import DtmfDetector, RtpError, RtpPacket, RtpSender

log = logging.getLogger("phone.bridge")

RATE = 8000
SAMPLES_PER_PACKET = 160  # 20 ms at 8 kHz


@dataclass
class CallStats:
    rtp_in: int = 0
    rtp_out: int = 0
    rtp_out_voiced: int = 0  # packets carrying agent audio (not silence)
    dtmf: list[str] = field(default_factory=list)
    bad_packets: int = 0
    payload_types: dict[int, int] = field(default_factory=dict)  # received, by RTP type


@dataclass(frozen=True)
class CallInfo:
    call_id: str
    caller: str  # user part of the From URI, e.g. +15551234567
    callee: str
    codec: tuple[int, str]
    dtmf_pt: int | None
    remote_rtp: tuple[str, int]


def participant_identity(info: CallInfo) -> str:
    """livekit-sip uses `sip_<number>`; the framework logs identities, so ours carries only
    the last four digits plus a per-call suffix (the full number is in `sip.phoneNumber`)."""
    digits = "".join(ch for ch in info.caller if ch.isdigit())[-4:] or "anon"
    return f"sip_xxx{digits}_{hashlib.sha1(info.call_id.encode()).hexdigest()[:6]}"


def participant_token(options: GatewayOptions, info: CallInfo, room: str) -> str:
    """A token like the one livekit-sip mints: kind sip, identity sip_<number>, the sip.*
    attributes the agent reads, and the receptionist dispatched into the new room."""
    dispatch = api.RoomAgentDispatch(
        agent_name=options.agent_name, metadata=json.dumps({"channel": "phone"})
    )
    grants = api.VideoGrants(
        room_join=True, room=room, can_publish=True, can_subscribe=True, can_publish_data=True
    )
    return (
        api.AccessToken(options.api_key, options.api_secret)
        .with_identity(participant_identity(info))
        .with_name(mask_number(info.caller))
        .with_kind("sip")
        .with_grants(grants)
        .with_attributes(
            {
                "sip.phoneNumber": info.caller,
                "sip.callID": info.call_id,
                "sip.trunkPhoneNumber": info.callee or options.trunk_number,
                "sip.callStatus": "active",
            }
        )
        .with_room_config(api.RoomConfiguration(agents=[dispatch]))
        .to_jwt()
    )


class _RtpProtocol(asyncio.DatagramProtocol):
    def __init__(self, on_packet: Callable[[bytes, tuple[str, int]], None]) -> None:
        self.on_packet = on_packet

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.on_packet(data, addr)


class MediaBridge:
    def __init__(
        self,
        options: GatewayOptions,
        info: CallInfo,
        transport: asyncio.DatagramTransport,
        on_remote_end: Callable[[str], None],
    ) -> None:
        self.options = options
        self.info = info
        self.transport = transport
        self.on_remote_end = on_remote_end  # the room side ended: the gateway sends BYE
        self.stats = CallStats()
        self.room = rtc.Room()
        self.room_name = options.room_prefix + info.call_id.split("@")[0][-16:].replace(".", "")
        self.source = rtc.AudioSource(RATE, 1, queue_size_ms=200)
        self._out = np.zeros(0, dtype=np.int16)
        self._in: asyncio.Queue[rtc.AudioFrame] = asyncio.Queue(maxsize=50)
        self._dtmf = DtmfDetector()
        self._sender = RtpSender(info.codec[0], SAMPLES_PER_PACKET)
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        # set once the agent publishes audio: its session runs and the greeting is next
        self.agent_ready = asyncio.Event()

    @staticmethod
    async def open_rtp(
        options: GatewayOptions, on_packet: Callable[[bytes, tuple[str, int]], None]
    ) -> tuple[asyncio.DatagramTransport, int]:
        """Bind the first free even port in the range (RTP on even ports, RFC 3550 §11)."""
        loop = asyncio.get_running_loop()
        for port in range(options.rtp_port_min, options.rtp_port_max + 1, 2):
            try:
                transport, _ = await loop.create_datagram_endpoint(
                    lambda: _RtpProtocol(on_packet), local_addr=(options.rtp_host, port)
                )
            except OSError:
                continue
            return transport, port
        raise RuntimeError("no free RTP port in the configured range")

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def connect(self) -> None:
        token = participant_token(self.options, self.info, self.room_name)
        self.room.on("track_subscribed", self._on_track)
        self.room.on("participant_disconnected", self._on_participant_left)
        self.room.on("disconnected", self._on_room_closed)
        await self.room.connect(self.options.livekit_url, token)
        track = rtc.LocalAudioTrack.create_audio_track("phone", self.source)
        await self.room.local_participant.publish_track(
            track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        )
        self._spawn(self._capture_loop())
        self._spawn(self._call_cap())
        log.info(
            "call %s from %s joined room %s",
            self.info.call_id, mask_number(self.info.caller), self.room_name,
        )  # fmt: skip

    def answered(self) -> None:
        """The 200 OK is out: start our RTP stream (agent audio buffered so far included)."""
        self._spawn(self._send_loop())

    # --- caller → room -------------------------------------------------------------
    def on_rtp(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            pkt = RtpPacket.parse(data)
        except RtpError:
            self.stats.bad_packets += 1
            return
        self.stats.rtp_in += 1
        types = self.stats.payload_types
        types[pkt.payload_type] = types.get(pkt.payload_type, 0) + 1
        if pkt.payload_type == self.info.dtmf_pt:
            try:
                event = self._dtmf.feed(pkt)
            except RtpError:
                self.stats.bad_packets += 1
                return
            if event is not None:
                self.stats.dtmf.append(event.digit)
                self._spawn(self._publish_dtmf(event.code, event.digit))
            return
        if pkt.payload_type != self.info.codec[0] or self._closed:
            return
        pcm = g711.decode(pkt.payload, self.info.codec[1])
        try:
            self._in.put_nowait(rtc.AudioFrame(pcm.tobytes(), RATE, 1, len(pcm)))
        except asyncio.QueueFull:  # the room side is stuck: drop, as a jitter buffer would
            self.stats.bad_packets += 1

    async def _capture_loop(self) -> None:
        # One consumer keeps the caller's frames in order.
        while True:
            frame = await self._in.get()
            try:
                await self.source.capture_frame(frame)
            except Exception as exc:  # room gone mid-frame: nothing left to deliver to
                log.debug("capture_frame failed: %s", exc)

    async def _publish_dtmf(self, code: int, digit: str) -> None:
        log.info("call %s: DTMF %s", self.info.call_id, digit)
        try:
            await self.room.local_participant.publish_dtmf(code=code, digit=digit)
        except Exception as exc:
            log.warning("publish_dtmf failed: %s", exc)

    # --- room → caller -------------------------------------------------------------
    def _on_track(
        self, track: rtc.Track, _pub: rtc.RemoteTrackPublication, p: rtc.RemoteParticipant
    ) -> None:
        if track.kind == rtc.TrackKind.KIND_AUDIO:
            self._spawn(self._pull_audio(track))
            if p.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT:
                self.agent_ready.set()

    async def _pull_audio(self, track: rtc.Track) -> None:
        stream = rtc.AudioStream(track, sample_rate=RATE, num_channels=1)
        try:
            async for ev in stream:
                samples = np.frombuffer(ev.frame.data, dtype=np.int16)
                self._out = np.concatenate([self._out, samples])
        finally:
            await stream.aclose()

    async def _send_loop(self) -> None:
        """20 ms packets on an absolute schedule, so timing does not drift under load."""
        codec = self.info.codec[1]
        silence = g711.encode(np.zeros(SAMPLES_PER_PACKET, dtype=np.int16), codec)
        start = time.monotonic()
        n = 0
        while not self._closed:
            if len(self._out) >= SAMPLES_PER_PACKET:
                chunk, self._out = self._out[:SAMPLES_PER_PACKET], self._out[SAMPLES_PER_PACKET:]
                payload = g711.encode(chunk, codec)
                self.stats.rtp_out_voiced += 1
            else:
                payload = silence
            self.transport.sendto(self._sender.next(payload).to_bytes(), self.info.remote_rtp)
            self.stats.rtp_out += 1
            n += 1
            await asyncio.sleep(max(0.0, start + n * 0.02 - time.monotonic()))

    async def _call_cap(self) -> None:
        await asyncio.sleep(self.options.max_call_s)
        self.on_remote_end("gateway call cap")

    def _on_participant_left(self, p: rtc.RemoteParticipant) -> None:
        if p.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT:
            self.on_remote_end("agent left")

    def _on_room_closed(self, *_args: object) -> None:
        if not self._closed:
            self.on_remote_end("room closed")

    async def close(self) -> None:
        """The caller (or we) hung up: leave the room so the agent closes the call."""
        if self._closed:
            return
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        try:
            await self.room.disconnect()
        finally:
            self.transport.close()
            await self.source.aclose()
