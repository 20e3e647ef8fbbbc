"""sipp UAC scenarios for a patient's phone call (used by tests/phone and by hand).

Steps: ("play", wav_path) streams a G.711 WAV as RTP and waits for it to finish,
("wait", ms) stays silent, ("dtmf", digits) sends RFC 2833 key presses.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import quoteattr

from phone.pcap import write_rtp_pcap
from phone.rtp import RtpPacket, RtpSender, dtmf_packets
from phone.wav import read_g711_wav

Step = tuple[str, str | int | Path]
PAYLOAD = {"PCMU": 0, "PCMA": 8}
DTMF_PT = 101


def _step_xml(step: Step, work_dir: Path, index: int) -> str:
    kind, arg = step
    if kind == "play":
        path = Path(str(arg))
        codec, pcm = read_g711_wav(path)
        ms = len(pcm) * 1000 // 8000
        attr = quoteattr(f"{path},1,{PAYLOAD[codec]}")
        return (
            f"  <nop><action><exec rtp_stream={attr}/></action></nop>\n"
            f'  <pause milliseconds="{ms + 100}"/>\n'
        )
    if kind == "wait":
        return f'  <pause milliseconds="{int(str(arg))}"/>\n'
    if kind == "dtmf":
        pcap = dtmf_pcap(work_dir / f"dtmf-{index}.pcap", str(arg))
        ms = 200 * len(str(arg)) + 400
        return (
            f"  <nop><action><exec play_pcap_audio={quoteattr(str(pcap))}/></action></nop>\n"
            f'  <pause milliseconds="{ms}"/>\n'
        )
    raise ValueError(f"unknown sipp step {kind!r} (play, wait, dtmf)")


def dtmf_pcap(path: Path, digits: str, *, payload_type: int = DTMF_PT) -> Path:
    """RFC 2833 presses of `digits` (100 ms each, 100 ms apart) as a pcap sipp can play."""
    sender = RtpSender(payload_type, seed=len(digits))
    packets: list[RtpPacket] = []
    for digit in digits:
        packets += dtmf_packets(sender, digit, duration_ms=100)
        sender.timestamp += 800  # a 100 ms gap before the next press
    return write_rtp_pcap(path, packets)


# The clinic hangs up (agent ended the call): wait for its BYE and answer 200 OK.
_AWAIT_BYE = """  <recv request="BYE" timeout="120000"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
"""


def scenario_xml(
    steps: Sequence[Step],
    *,
    caller: str,
    work_dir: Path,
    codec: str = "PCMU",
    clinic_hangs_up: bool = False,
) -> str:
    """After the steps the patient hangs up (BYE), or with `clinic_hangs_up` waits up to
    two minutes for the clinic's BYE (the call fails if it never comes)."""
    if codec not in PAYLOAD:
        raise ValueError(f"unknown G.711 codec {codec!r}")
    template = resources.files("phone").joinpath("scenarios/call.xml.tmpl").read_text()
    if clinic_hangs_up:
        head, _, rest = template.partition("<!--BYE-->")
        template = head + _AWAIT_BYE + rest.partition("<!--/BYE-->")[2]
    return (
        template.replace("{caller}", caller)
        .replace("{payload}", str(PAYLOAD[codec]))
        .replace("{codec}", codec)
        .replace("{dtmf_pt}", str(DTMF_PT))
        .replace("{steps}", "".join(_step_xml(s, work_dir, i) for i, s in enumerate(steps)))
    )


def sipp_argv(scenario: Path, target: str, *, local_port: int, media_port: int,
              trace_dir: Path | None = None) -> list[str]:  # fmt: skip
    """One call, loopback, exit when done."""
    argv = [
        "sipp", target, "-sf", str(scenario), "-m", "1", "-l", "1",
        "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", str(local_port), "-mp", str(media_port),
        "-s", "clinic", "-nostdin", "-timeout", "600s", "-timeout_error",
    ]  # fmt: skip
    if trace_dir is not None:
        argv += ["-trace_err", "-trace_msg", "-message_file", str(trace_dir / "sipp_messages.log"),
                 "-error_file", str(trace_dir / "sipp_errors.log")]  # fmt: skip
    return argv
