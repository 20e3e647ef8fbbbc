"""Speech benchmark: WER, STT speed and latency, TTS first audio and speed, VAD/EOT CPU.

    python -m bench.speech [--json] [--quick] [--latency-n N]

Utterances are synthesised with piper (cached under .cache/bench_speech/); the noisy set mixes
them at 10 dB SNR with babble (other synthesised utterances, piper and espeak) plus white noise.
WER and STT real-time factor come from the streaming STT fed as fast as it can go; the final
latency comes from a real-time paced stream: FINAL event time minus the moment the last speech
sample was pushed (the true end of speech, not the end-of-speech detection).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent.speech.audio import frames_from_pcm, rms_dbfs
from agent.speech.stt_whisper import WhisperOptions, WhisperSTT
from agent.speech.synth import synthesize_to_pcm
from agent.speech.tts_local import EspeakTTS, LocalTTS, PiperTTS
from agent.speech.wer import wer
from agent.speech.whisper_engine import get_engine

RATE = 16000
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "bench_speech"
SNR_DB = 10.0
STREAM_STATS: dict[str, int] = {}

UTTERANCES: tuple[str, ...] = (
    "Hi, I'd like to book a checkup please.",
    "Can I see Doctor Patel next Tuesday?",
    "I need a sick visit with Lee Chen tomorrow morning.",
    "Is Doctor Okafor available on Friday afternoon?",
    "My name is Maria Lopez.",
    "My date of birth is March fifth, nineteen eighty four.",
    "It's July twenty second, nineteen ninety.",
    "My phone number is five five five, two one two, three four nine eight.",
    "Do you have anything at half past two?",
    "What about Wednesday at ten thirty in the morning?",
    "No wait, make that Thursday instead.",
    "Actually, I mean the follow-up, not the checkup.",
    "Sorry, I said Okafor, not Patel.",
    "The second one works for me.",
    "Yes, that's right.",
    "No, that's not correct.",
    "What time do you close on Saturday?",
    "Where do I park?",
    "How much is the copay for a new patient visit?",
    "Do you take Blue Cross insurance?",
    "I'd like to cancel my appointment on Monday.",
    "Can I reschedule to the week after?",
    "My son needs a vaccination before school starts in August.",
    "Is there anything earlier in the day?",
    "I can only come after four o'clock.",
    "Something in the morning would be better.",
    "Let's do the earliest one.",
    "My birthday is December first, two thousand three.",
    "Can you repeat that please?",
    "What did you say about the copay?",
    "I'm a new patient.",
    "I need a follow-up with Doctor Patel in two weeks.",
    "The appointment is for my daughter, Emma Johnson.",
    "Her date of birth is June ninth, twenty fifteen.",
    "Do you have openings on April fourteenth?",
    "Eleven fifteen is fine.",
    "Could I get a nine o'clock slot?",
    "I was hoping for Lee Chen, if she's free.",
    "That's all, thank you very much.",
    "Can I talk to a person please?",
    "My number is eight six seven, five three oh, nine one one two.",
    "I'll be there on Monday the sixth at eight forty five.",
)

AGENT_REPLIES: tuple[str, ...] = (
    "Sure, I can help you book a checkup. Which day works best for you?",
    "Doctor Patel has Tuesday at nine, nine thirty, or eleven. Which would you like?",
    "Okay, Wednesday instead of Tuesday. Let me check that for you.",
    "I have you down for a checkup with Doctor Okafor on Friday at two thirty. Is that right?",
    "Can I have your full name and date of birth, please?",
    "We are open Monday to Friday from eight to five, and Saturday from nine to noon.",
    "The copay for a new patient visit is forty dollars.",
    "Free parking is available behind the building.",
    "Your appointment is confirmed. Is there anything else I can help you with?",
    "Sorry, I didn't catch that. Could you say it again?",
    "Lee Chen has a sick visit opening tomorrow at ten fifteen.",
    "Got it, Maria Lopez, born March fifth, nineteen eighty four.",
)


def _cached(text: str, voice: str) -> np.ndarray:
    key = hashlib.sha1(f"{voice}|{text}".encode()).hexdigest()[:16]
    path = CACHE / f"{voice}-{key}.npy"
    if path.exists():
        return np.load(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    pcm = synthesize_to_pcm(text, voice)  # type: ignore[arg-type]
    np.save(path, pcm)
    return pcm


def _mix(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    s = speech.astype(np.float64)
    n = noise[: s.size].astype(np.float64)
    gain = np.sqrt(float(np.mean(s**2)) / max(1e-9, float(np.mean(n**2))) / (10 ** (snr_db / 10)))
    return np.clip(s + gain * n, -32768, 32767).astype(np.int16)


def _babble(index: int, length: int, rng: np.random.Generator) -> np.ndarray:
    """Three other talkers (piper and espeak) overlapping, plus white noise at 1/4 the power."""
    out = np.zeros(length, dtype=np.float64)
    for k, voice in ((3, "piper"), (7, "espeak"), (13, "piper")):
        other = _cached(UTTERANCES[(index + k) % len(UTTERANCES)], voice).astype(np.float64)
        other = np.tile(other, int(np.ceil(length / other.size)) + 1)
        start = int(rng.integers(0, other.size - length))
        out += other[start : start + length] / np.sqrt(np.mean(other**2) + 1e-9)
    white = rng.normal(0.0, 1.0, length)
    return out / 3 + 0.5 * white


def _voiced_end(speech: np.ndarray) -> int:
    """Sample index where the voice really stops (piper pads its output with quiet samples)."""
    win = RATE // 100
    levels = [rms_dbfs(speech[i : i + win]) for i in range(0, speech.size - win + 1, win)]
    loud = [i for i, level in enumerate(levels) if level > -45.0]
    return (loud[-1] + 1) * win if loud else speech.size


@dataclass
class Utt:
    text: str
    pcm: np.ndarray  # 16 kHz, with silence around the speech
    speech_end_s: float  # where the speech ends inside pcm


def build_sets(n: int) -> tuple[list[Utt], list[Utt]]:
    rng = np.random.default_rng(2026)
    lead, tail = np.zeros(RATE // 2, np.int16), np.zeros(RATE, np.int16)
    clean: list[Utt] = []
    noisy: list[Utt] = []
    for i, text in enumerate(UTTERANCES[:n]):
        speech = _cached(text, "piper")
        pcm = np.concatenate([lead, speech, tail])
        end = (lead.size + _voiced_end(speech)) / RATE
        clean.append(Utt(text, pcm, end))
        noise = _babble(i, pcm.size, rng)
        # SNR measured over the speech part; the noise runs through the silences too.
        mixed_speech = _mix(speech, noise[lead.size : lead.size + speech.size], SNR_DB)
        gain = (mixed_speech.astype(np.float64) - speech).std() / max(
            1e-9, noise[lead.size : lead.size + speech.size].std()
        )
        bed = np.clip(noise * gain, -32768, 32767).astype(np.int16)
        bed[lead.size : lead.size + speech.size] = mixed_speech
        noisy.append(Utt(text, bed, end))
    return clean, noisy


async def _run_stream(
    stt: WhisperSTT, pcm: np.ndarray, realtime: bool
) -> tuple[str, list[float], float]:
    """(joined finals, wall times of FINAL events, wall time of stream start)."""
    from livekit.agents import stt as agents_stt

    stream = stt.stream()
    finals: list[str] = []
    final_times: list[float] = []
    t0 = time.perf_counter()

    async def feed() -> None:
        for i, frame in enumerate(frames_from_pcm(pcm, RATE, 20)):
            if realtime:
                await asyncio.sleep(max(0.0, t0 + i * 0.02 - time.perf_counter()))
            stream.push_frame(frame)
        stream.end_input()

    feeder = asyncio.create_task(feed())
    async for ev in stream:
        if ev.type == agents_stt.SpeechEventType.FINAL_TRANSCRIPT and ev.alternatives:
            if ev.alternatives[0].text:
                finals.append(ev.alternatives[0].text)
            final_times.append(time.perf_counter())
    await feeder
    await stream.aclose()
    for key, value in stream.stats.items():
        STREAM_STATS[key] = STREAM_STATS.get(key, 0) + value
    return " ".join(finals), final_times, t0


async def bench_stt(clean: list[Utt], noisy: list[Utt], latency_n: int) -> dict[str, float]:
    engine = get_engine()
    plain = WhisperSTT(engine=engine)
    denoised = WhisperSTT(WhisperOptions(noise_suppression=True), engine=engine)
    out: dict[str, float] = {}
    audio_s = sum(u.pcm.size for u in clean) / RATE
    started = time.perf_counter()
    pairs = [(u.text, (await _run_stream(plain, u.pcm, False))[0]) for u in clean]
    out["stt_rtf"] = (time.perf_counter() - started) / audio_s
    out["wer_clean"] = wer(pairs)
    out["wer_noisy"] = wer([(u.text, (await _run_stream(plain, u.pcm, False))[0]) for u in noisy])
    out["wer_noisy_rnnoise"] = wer(
        [(u.text, (await _run_stream(denoised, u.pcm, False))[0]) for u in noisy]
    )
    espeak_pairs = []
    for u in clean[: max(10, len(clean) // 2)]:
        pcm = _cached(u.text, "espeak")
        espeak_pairs.append((u.text, (await plain.transcribe_pcm(pcm)).text))
    out["wer_clean_espeak_voice"] = wer(espeak_pairs)
    latencies: list[float] = []
    for u in clean[:latency_n]:
        _, final_times, t0 = await _run_stream(plain, u.pcm, True)
        end_wall = t0 + u.speech_end_s
        after = [t for t in final_times if t >= end_wall - 0.05]
        if after:
            latencies.append((after[-1] - end_wall) * 1000)
    spec = STREAM_STATS.get("speculative", 0)
    out["stt_speculative_wasted_share"] = STREAM_STATS.get("speculative_wasted", 0) / max(1, spec)
    out["stt_finals_per_utterance"] = STREAM_STATS.get("finals", 0) / max(
        1, 3 * len(clean) + latency_n
    )
    out["stt_final_latency_ms_p50"] = statistics.median(latencies)
    out["stt_final_latency_ms_p90"] = float(np.percentile(latencies, 90))
    out["stt_latency_samples"] = len(latencies)
    return out


async def _first_audio(tts: LocalTTS, text: str) -> tuple[float, float, float]:
    """(ms to first audio, total synthesis s, audio s) streaming the text word by word."""
    stream = tts.stream()
    t0 = time.perf_counter()
    for word in text.split(" "):
        stream.push_text(word + " ")
    stream.end_input()
    first = None
    audio = 0.0
    async for ev in stream:
        if first is None:
            first = time.perf_counter() - t0
        audio += ev.frame.duration
    total = time.perf_counter() - t0
    await stream.aclose()
    return (first or total) * 1000, total, audio


async def bench_tts() -> dict[str, float]:
    out: dict[str, float] = {}
    for name, tts in (("", PiperTTS()), ("_espeak", EspeakTTS())):
        await _first_audio(tts, "Warm up.")
        results = [await _first_audio(tts, text) for text in AGENT_REPLIES]
        out[f"tts_first_audio_ms_p50{name}"] = statistics.median(r[0] for r in results)
        out[f"tts_first_audio_ms_p90{name}"] = float(np.percentile([r[0] for r in results], 90))
        out[f"tts_rtf{name}"] = sum(r[1] for r in results) / sum(r[2] for r in results)
    return out


def bench_vad_eot(clean: list[Utt]) -> dict[str, float]:
    """CPU seconds per audio second for Silero VAD (as the session runs it) and the v1-mini EOT."""
    from livekit.local_inference import EOT, EOT_MAX_SAMPLES

    from agent.speech.turn_models import load_vad

    pcm = np.concatenate([u.pcm for u in clean])
    audio_s = pcm.size / RATE

    async def run_vad() -> None:
        vad = load_vad()
        stream = vad.stream()
        for frame in frames_from_pcm(pcm, RATE, 20):
            stream.push_frame(frame)
        stream.end_input()
        async for _ in stream:
            pass

    cpu0 = time.process_time()
    asyncio.run(run_vad())
    vad_cpu = (time.process_time() - cpu0) / audio_s

    eot = EOT()
    clips = [u.pcm[: int(u.speech_end_s * RATE)][-EOT_MAX_SAMPLES:] for u in clean]
    eot.predict(clips[0])
    cpu0 = time.process_time()
    for clip in clips:
        eot.predict(np.ascontiguousarray(clip))
    per_call = (time.process_time() - cpu0) / len(clips)
    return {
        "vad_cpu_s_per_audio_s": vad_cpu,
        "eot_cpu_ms_per_prediction": per_call * 1000,
        # The session predicts at each pause; one per utterance here.
        "eot_cpu_s_per_audio_s": per_call * len(clips) / audio_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="12 utterances, 6 latency runs")
    parser.add_argument("--latency-n", type=int, default=20, help="real-time latency runs")
    args = parser.parse_args()
    n = 12 if args.quick else len(UTTERANCES)
    latency_n = 6 if args.quick else min(args.latency_n, n)
    t0 = time.perf_counter()
    clean, noisy = build_sets(n)
    results: dict[str, float] = {"utterances": n}
    results.update(asyncio.run(bench_stt(clean, noisy, latency_n)))
    results.update(asyncio.run(bench_tts()))
    results.update(bench_vad_eot(clean))
    results["bench_wall_s"] = time.perf_counter() - t0
    results["load_avg_1min"] = os.getloadavg()[0]  # other work on the box inflates timings
    if args.json:
        print(json.dumps({k: round(v, 4) for k, v in results.items()}))
    else:
        for key, value in results.items():
            print(f"{key:34s} {value:10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
