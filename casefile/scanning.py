"""Virus scanning through a ClamAV daemon, when `CLAMD_SOCKET` names one.

`CLAMD_SOCKET` is the path of clamd's Unix socket (`/run/clamav/clamd.ctl` on
Debian) or `tcp://host:port`. The file is streamed to clamd with its INSTREAM
command (clamd's own protocol, documented in `man clamd`), so it never needs to
be on a disk clamd can read. Without `CLAMD_SOCKET` nothing is scanned.
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd is configured but did not answer: the file is refused rather than taken unchecked."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    # What clamd found, e.g. "Win.Test.EICAR_HDB-1"; empty when clean.
    found: str = ""


def scanning_enabled() -> bool:
    return bool(settings.CLAMD_SOCKET)


def scan(stream) -> ScanResult:
    """Stream the file to clamd and read its verdict. Raises ScannerUnavailable if clamd cannot be reached."""
    try:
        with _connect(settings.CLAMD_SOCKET) as conn:
            conn.sendall(b"zINSTREAM\0")
            stream.seek(0)
            while chunk := stream.read(CHUNK):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = _read_reply(conn)
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    finally:
        stream.seek(0)
    return _verdict(reply)


def _connect(address: str) -> socket.socket:
    timeout = settings.CLAMD_TIMEOUT_SECONDS
    if address.startswith("tcp://"):
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(timeout)
    try:
        conn.connect(address)
    except OSError:
        conn.close()
        raise
    return conn


def _read_reply(conn: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        part = conn.recv(4096)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace")


def _verdict(reply: str) -> ScanResult:
    # "stream: OK", "stream: <signature> FOUND", or "<message> ERROR" (for example the stream was too long).
    if reply.endswith(" FOUND"):
        return ScanResult(clean=False, found=reply.removeprefix("stream: ").removesuffix(" FOUND"))
    if reply.endswith(": OK"):
        return ScanResult(clean=True)
    raise ScannerUnavailable(f"clamd answered {reply!r}")
