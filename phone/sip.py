"""SIP messages (RFC 3261) and the SDP offer/answer a G.711 leg needs (RFC 4566/3264).

Parsing is strict about what it needs (start line, Via, From, To, Call-ID, CSeq) and
raises `SipError` with a clear reason otherwise; the gateway answers such requests 400.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

G711_PAYLOADS = {0: "PCMU", 8: "PCMA"}
COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact",
           "l": "content-length", "c": "content-type"}  # fmt: skip
REASONS = {100: "Trying", 180: "Ringing", 200: "OK", 400: "Bad Request",
           404: "Not Found", 405: "Method Not Allowed", 480: "Temporarily Unavailable",
           481: "Call/Transaction Does Not Exist",
           486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here",
           500: "Server Internal Error", 503: "Service Unavailable"}  # fmt: skip


class SipError(ValueError):
    """A datagram that is not a usable SIP message."""


@dataclass
class SipMessage:
    start: str  # "INVITE sip:x@y SIP/2.0" or "SIP/2.0 200 OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def is_request(self) -> bool:
        return not self.start.startswith("SIP/2.0")

    @property
    def method(self) -> str:
        if self.is_request:
            return self.start.split(" ", 1)[0]
        return self.cseq_method

    @property
    def uri(self) -> str:
        return self.start.split(" ")[1]

    @property
    def status(self) -> int:
        return int(self.start.split(" ")[1])

    def get(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def get_all(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key.lower() == name]

    def header(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise SipError(f"missing {name} header")
        return value

    @property
    def call_id(self) -> str:
        return self.header("Call-ID")

    @property
    def cseq_number(self) -> int:
        return int(self.header("CSeq").split()[0])

    @property
    def cseq_method(self) -> str:
        return self.header("CSeq").split()[1]

    def to_bytes(self) -> bytes:
        lines = [self.start]
        lines += [f"{k}: {v}" for k, v in self.headers if k.lower() != "content-length"]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body

    @classmethod
    def parse(cls, data: bytes) -> SipMessage:
        head, sep, body = data.partition(b"\r\n\r\n")
        if not sep:
            head, sep, body = data.partition(b"\n\n")
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            raise SipError("SIP headers are not UTF-8") from None
        lines = text.replace("\r\n", "\n").split("\n")
        start = lines[0].strip()
        if not (start.startswith("SIP/2.0 ") or start.endswith(" SIP/2.0")):
            raise SipError(f"not a SIP start line: {start[:60]!r}")
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if not line.strip():
                continue
            if line[0] in " \t" and headers:  # folded continuation line
                k, v = headers[-1]
                headers[-1] = (k, v + " " + line.strip())
                continue
            key, colon, value = line.partition(":")
            if not colon:
                raise SipError(f"bad header line: {line[:60]!r}")
            key = key.strip()
            headers.append((_canonical(key), value.strip()))
        msg = cls(start, headers, body)
        length = msg.get("Content-Length")
        if length is not None and length.strip().isdigit():
            msg.body = body[: int(length)]
        for needed in ("Via", "From", "To", "Call-ID", "CSeq"):
            msg.header(needed)
        if len(msg.header("CSeq").split()) != 2 or not msg.header("CSeq").split()[0].isdigit():
            raise SipError("bad CSeq header")
        return msg


def _canonical(key: str) -> str:
    full = COMPACT.get(key.lower(), key)
    special = {"call-id": "Call-ID", "cseq": "CSeq", "www-authenticate": "WWW-Authenticate"}
    return special.get(full.lower(), "-".join(p.capitalize() for p in full.split("-")))


def response(
    request: SipMessage,
    status: int,
    *,
    to_tag: str | None = None,
    extra: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> SipMessage:
    """A response that copies Via/From/To/Call-ID/CSeq from the request (§8.2.6)."""
    headers = [("Via", v) for v in request.get_all("Via")]
    to = request.header("To")
    if to_tag and ";tag=" not in to:
        to = f"{to};tag={to_tag}"
    headers += [("From", request.header("From")), ("To", to), ("Call-ID", request.call_id),
                ("CSeq", request.header("CSeq"))]  # fmt: skip
    headers += extra or []
    return SipMessage(f"SIP/2.0 {status} {REASONS.get(status, 'Unknown')}", headers, body)


def new_tag() -> str:
    return secrets.token_hex(6)


def new_branch() -> str:
    return "z9hG4bK" + secrets.token_hex(8)


_USER = re.compile(r"sips?:([^@;>]+)@")
_URI = re.compile(r"<([^>]+)>")


def user_of(name_addr: str) -> str | None:
    """'"Bob" <sip:+15551234567@host>;tag=x' -> '+15551234567'."""
    m = _USER.search(name_addr)
    return m.group(1) if m else None


def uri_of(name_addr: str) -> str:
    m = _URI.search(name_addr)
    return m.group(1) if m else name_addr.split(";")[0].strip()


def tag_of(name_addr: str) -> str | None:
    m = re.search(r";\s*tag=([^;>\s]+)", name_addr)
    return m.group(1) if m else None


@dataclass(frozen=True)
class SdpOffer:
    address: str
    port: int
    payload_types: tuple[int, ...]
    dtmf_payload_type: int | None
    rtpmap: dict[int, str]

    def pick_codec(self) -> tuple[int, str] | None:
        """The first G.711 codec in the caller's preference order."""
        for pt in self.payload_types:
            name = self.rtpmap.get(pt, G711_PAYLOADS.get(pt, "")).split("/")[0].upper()
            if name in ("PCMU", "PCMA"):
                return pt, name
        return None


def parse_sdp(body: bytes) -> SdpOffer:
    address = ""
    port = 0
    pts: tuple[int, ...] = ()
    rtpmap: dict[int, str] = {}
    media_address = ""
    for raw in body.decode("utf-8", "replace").splitlines():
        line = raw.strip()
        if line.startswith("c=") and len(line.split()) >= 3:
            if port:
                media_address = line.split()[2]
            else:
                address = line.split()[2]
        elif line.startswith("m=audio "):
            parts = line[2:].split()
            if not parts[1].isdigit():
                raise SipError(f"bad SDP media line: {line!r}")
            port = int(parts[1])
            pts = tuple(int(p) for p in parts[3:] if p.isdigit())
        elif line.startswith("a=rtpmap:") and port:
            key, _, value = line[len("a=rtpmap:") :].partition(" ")
            if key.isdigit():
                rtpmap[int(key)] = value
    if not port:
        raise SipError("SDP has no audio media line")
    dtmf = next(
        (pt for pt in pts if rtpmap.get(pt, "").lower().startswith("telephone-event/8000")), None
    )
    return SdpOffer(media_address or address, port, pts, dtmf, rtpmap)


def build_sdp(address: str, port: int, codec: tuple[int, str], dtmf_pt: int | None,
              session_id: int) -> bytes:  # fmt: skip
    """Our answer: one G.711 codec (+ telephone-event if offered), 20 ms packets."""
    pt, name = codec
    pts = [str(pt)] + ([str(dtmf_pt)] if dtmf_pt is not None else [])
    lines = [
        "v=0",
        f"o=clinic {session_id} {session_id} IN IP4 {address}",
        "s=clinic-phone",
        f"c=IN IP4 {address}",
        "t=0 0",
        f"m=audio {port} RTP/AVP {' '.join(pts)}",
        f"a=rtpmap:{pt} {name}/8000",
    ]
    if dtmf_pt is not None:
        lines += [f"a=rtpmap:{dtmf_pt} telephone-event/8000", f"a=fmtp:{dtmf_pt} 0-16"]
    lines += ["a=ptime:20", "a=sendrecv"]
    return ("\r\n".join(lines) + "\r\n").encode()
