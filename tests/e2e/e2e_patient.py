"""A patient in a real LiveKit room: a microphone fed from WAV files in real time, the
agent's audio received and measured, and the room's transcription streams collected."""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
import urllib.request
import wave
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from livekit import rtc

SAMPLE_RATE = 48000
FRAME_MS = 10
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000
# Audio louder than this (int16 RMS, about -40 dBFS) counts as speech: the agent's audio as
# received (its silence arrives as ~0), and the patient's WAV, whose speech fades below it
# within a few frames before piper's trailing near-silence.
SPEECH_RMS = 300.0
TRANSCRIPTION_TOPIC = "lk.transcription"


@dataclass(frozen=True)
class Caption:
    identity: str
    segment_id: str
    text: str
    final: bool
    received_at: float


@dataclass
class Turn:
    """One patient utterance and what came back."""

    text: str
    speech_end: float  # monotonic: the last voiced frame was handed to the microphone
    first_agent_audio: float | None = None

    @property
    def latency_s(self) -> float | None:
        if self.first_agent_audio is None:
            return None
        return self.first_agent_audio - self.speech_end


def _ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


def latency_report(
    turns: Sequence[Turn], transcript_after: Callable[[float], float | None]
) -> dict[str, Any]:
    """The turns' figures in ms from the patient's end of speech: to the agent's first audio,
    and to the patient's final transcript coming back (`transcript_after`, e.g.
    Patient.transcript_after); with the median and max of the first."""
    rows: list[dict[str, Any]] = []
    for turn in turns:
        heard = transcript_after(turn.speech_end)
        rows.append(
            {
                "patient": turn.text,
                "first_agent_audio_ms": _ms(turn.latency_s),
                "final_transcript_ms": None if heard is None else _ms(heard - turn.speech_end),
            }
        )
    answered = [r["first_agent_audio_ms"] for r in rows if r["first_agent_audio_ms"] is not None]
    return {
        "measured": "patient end of speech (last voiced frame) -> agent's first audio, ms",
        "turns": rows,
        "first_agent_audio_ms": {
            "turns": len(answered),
            "median": statistics.median(answered) if answered else None,
            "max": max(answered, default=None),
        },
    }


def fetch_token(web_url: str) -> dict[str, str]:
    req = urllib.request.Request(
        f"{web_url}/api/token",
        data=json.dumps({"name": "Test Patient"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        data: dict[str, str] = json.loads(resp.read())
    return data


def read_wav(path: Path) -> np.ndarray:
    """Mono int16 at SAMPLE_RATE (linear resampling is fine for test speech)."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2, "16-bit WAV expected"
        rate, channels = w.getframerate(), w.getnchannels()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    if channels > 1:
        pcm = pcm.reshape(-1, channels)[:, 0]
    if rate != SAMPLE_RATE:
        n = int(len(pcm) * SAMPLE_RATE / rate)
        x = np.linspace(0, len(pcm) - 1, n)
        pcm = np.interp(x, np.arange(len(pcm)), pcm.astype(np.float64)).astype(np.int16)
    return pcm


def last_voiced_frame(frames: np.ndarray, threshold: float = SPEECH_RMS) -> int:
    """Index of the last frame (a row of int16 samples) louder than `threshold`, or of the
    last frame when none is. Speech ends there, not where the file does: piper's WAVs end in
    ~0.2 s of near-silence, which would make every latency look that much shorter."""
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    voiced = np.flatnonzero(rms > threshold)
    return int(voiced[-1]) if voiced.size else len(frames) - 1


def write_wav(path: Path, pcm: np.ndarray, sample_rate: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.astype(np.int16).tobytes())


@dataclass
class Patient:
    room: rtc.Room = field(default_factory=rtc.Room)
    captions: list[Caption] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    agent_identity: str | None = None
    agent_state: str | None = None
    last_agent_audio: float = 0.0
    agent_audio_frames: int = 0

    def __post_init__(self) -> None:
        self._source = rtc.AudioSource(SAMPLE_RATE, 1, queue_size_ms=40)
        # (frame, True on the last voiced frame of an utterance)
        self._speech: deque[tuple[np.ndarray, bool]] = deque()
        self._speech_done: asyncio.Event = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._agent_joined = asyncio.Event()
        self._caption_event = asyncio.Event()

        @self.room.on("participant_connected")
        def _joined(p: rtc.RemoteParticipant) -> None:
            if p.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT:
                self._on_agent(p)

        @self.room.on("participant_attributes_changed")
        def _attrs(changed: dict[str, str], p: rtc.Participant) -> None:
            if p.identity == self.agent_identity and "lk.agent.state" in changed:
                self.agent_state = changed["lk.agent.state"]

        @self.room.on("track_subscribed")
        def _track(
            track: rtc.Track, _pub: rtc.RemoteTrackPublication, p: rtc.RemoteParticipant
        ) -> None:
            if track.kind == rtc.TrackKind.KIND_AUDIO:
                self._tasks.append(asyncio.create_task(self._listen(track)))

        self.room.register_text_stream_handler(TRANSCRIPTION_TOPIC, self._on_text)

    def _on_agent(self, p: rtc.RemoteParticipant) -> None:
        self.agent_identity = p.identity
        self.agent_state = p.attributes.get("lk.agent.state")
        self._agent_joined.set()

    def _on_text(self, reader: rtc.TextStreamReader, identity: str) -> None:
        self._tasks.append(asyncio.create_task(self._read_caption(reader, identity)))

    async def _read_caption(self, reader: rtc.TextStreamReader, identity: str) -> None:
        text = await reader.read_all()
        attrs = reader.info.attributes or {}
        self.captions.append(
            Caption(
                identity=identity,
                segment_id=attrs.get("lk.segment_id", reader.info.stream_id),
                text=text,
                final=attrs.get("lk.transcription_final") == "true",
                received_at=time.monotonic(),
            )
        )
        self._caption_event.set()

    async def _listen(self, track: rtc.Track) -> None:
        stream = rtc.AudioStream(track, sample_rate=SAMPLE_RATE, num_channels=1)
        async for event in stream:
            pcm = np.frombuffer(event.frame.data, dtype=np.int16)
            if pcm.size and float(np.sqrt(np.mean(pcm.astype(np.float64) ** 2))) > SPEECH_RMS:
                now = time.monotonic()
                self.last_agent_audio = now
                self.agent_audio_frames += 1
                if self.turns and self.turns[-1].first_agent_audio is None:
                    if now > self.turns[-1].speech_end:
                        self.turns[-1].first_agent_audio = now

    async def _microphone(self) -> None:
        """A real-time microphone: 10 ms frames on a wall-clock schedule, speech when queued,
        digital near-silence otherwise (a tiny noise floor, as a real mic has)."""
        rng = np.random.default_rng(7)
        start = time.monotonic()
        n = 0
        while True:
            if self._speech:
                chunk, ends_speech = self._speech.popleft()
                if ends_speech:
                    self.turns[-1].speech_end = time.monotonic()
                if not self._speech:
                    self._speech_done.set()
            else:
                chunk = rng.normal(0, 20, FRAME_SAMPLES).astype(np.int16)
            frame = rtc.AudioFrame(chunk.tobytes(), SAMPLE_RATE, 1, FRAME_SAMPLES)
            await self._source.capture_frame(frame)
            n += 1
            delay = start + n * FRAME_MS / 1000 - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)

    async def join(self, url: str, token: str, *, agent_timeout_s: float = 60.0) -> None:
        await self.room.connect(url, token, rtc.RoomOptions(auto_subscribe=True))
        for p in self.room.remote_participants.values():
            if p.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT:
                self._on_agent(p)
        track = rtc.LocalAudioTrack.create_audio_track("microphone", self._source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        await self.room.local_participant.publish_track(track, options)
        self._tasks.append(asyncio.create_task(self._microphone()))
        await asyncio.wait_for(self._agent_joined.wait(), agent_timeout_s)

    async def say(self, text: str, pcm: np.ndarray) -> Turn:
        """Queue speech on the microphone and return once the last sample went out (the
        turn's speech_end is when its last voiced frame did)."""
        padded = np.concatenate([pcm, np.zeros((-len(pcm)) % FRAME_SAMPLES, dtype=np.int16)])
        frames = padded.reshape(-1, FRAME_SAMPLES)
        last = last_voiced_frame(frames)
        turn = Turn(text=text, speech_end=float("inf"))
        self.turns.append(turn)
        self._speech_done.clear()
        self._speech.extend((frame, i == last) for i, frame in enumerate(frames))
        await self._speech_done.wait()
        return turn

    async def wait_agent_quiet(self, *, quiet_s: float = 1.5, timeout_s: float = 60.0) -> None:
        """Wait until the agent has answered the last turn (or greeted, before any turn):
        it spoke, a caption of it arrived, it is back to listening and has been quiet."""
        deadline = time.monotonic() + timeout_s
        since = self.turns[-1].speech_end if self.turns else 0.0
        while time.monotonic() < deadline:
            turn = self.turns[-1] if self.turns else None
            spoke = (turn is None and self.agent_audio_frames > 0) or (
                turn is not None and turn.first_agent_audio is not None
            )
            if (
                spoke
                and time.monotonic() - self.last_agent_audio > quiet_s
                and self.agent_state in (None, "listening")
                and self.agent_text_since(since)
            ):
                return
            await asyncio.sleep(0.1)
        raise TimeoutError(f"the agent did not finish answering within {timeout_s:.0f} s")

    def agent_text_since(self, t: float) -> str:
        """Final agent captions received after monotonic time t, joined."""
        return " ".join(
            c.text
            for c in self.captions
            if c.identity == self.agent_identity and c.received_at >= t and c.text.strip()
        )

    def transcript_after(self, t: float) -> float | None:
        """When the first final transcript of the patient's speech after t came back."""
        me = self.room.local_participant.identity
        times = [c.received_at for c in self.captions if c.identity == me and c.final]
        return min((x for x in times if x >= t), default=None)

    def patient_captions(self) -> list[str]:
        me = self.room.local_participant.identity
        return [c.text for c in self.captions if c.identity == me and c.final]

    async def leave(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.room.disconnect()
