"""vl-convert in a child process whose local time is the site's time zone.

Vega reads and shows local time (time scales and their ticks, time units, dates written
without an offset) in the time zone of the process it runs in, which V8 takes from `TZ` when
it starts; vl-convert has no option for another zone. Setting `TZ` in the build's process
would change local time for each of its threads (the preview server runs several) and would
not reach a runtime already started. Converting the data and every time scale, unit and
format of a spec to UTC instead would miss what authors write in expressions
(`hours(datum.t)`, `timeFormat(...)`). So charts are drawn by a child started with `TZ` set to
the site's zone, which therefore means the same as it does for front-matter dates.

One child a process, started at the first chart drawn and kept for the next ones (its start,
about as long as vl-convert's own, is paid once); it reads one JSON request a line and ends
at the end of its input, so it ends with its parent, however the parent ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
from typing import Any


class Rejected(Exception):
    """vl-convert refused the spec; the message is the first line of its own."""


class _Child:
    def __init__(self, timezone: str) -> None:
        self.timezone = timezone
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"import {__name__} as r; r.serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "TZ": timezone},
            encoding="utf-8",
            start_new_session=True,  # Ctrl-C in a terminal stops the build, which ends it
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
            reply = stdout.readline()
        except OSError:
            reply = ""
        if not reply:
            raise RuntimeError(f"vl-convert's process ended (status {self.process.wait()})")
        return json.loads(reply)

    def close(self) -> None:
        with contextlib.suppress(OSError):  # it may have ended already
            if self.process.stdin:
                self.process.stdin.close()
        self.process.wait()


class _Slot:
    """This process's child, if it has one; the preview server draws from several threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.child: _Child | None = None


_SLOT = _Slot()  # process-wide, as vl-convert's own runtime would be


def _forget_parents_child() -> None:
    """In a forked worker the parent's child, and a lock another thread may hold, are not ours."""
    global _SLOT
    _SLOT = _Slot()


os.register_at_fork(after_in_child=_forget_parents_child)


def vegalite_to_svg(spec: dict[str, Any], config: dict[str, Any], timezone: str) -> str:
    """vl-convert's SVG of `spec`, drawn with local time in `timezone`; raises Rejected."""
    with _SLOT.lock:
        child = _SLOT.child
        if child is None or child.timezone != timezone or child.process.poll() is not None:
            if child is not None:
                child.close()
            child = _SLOT.child = _Child(timezone)
        try:
            reply = child.ask({"spec": spec, "config": config})
        except BaseException:  # its next reply might answer this request: start afresh
            child.process.kill()
            child.close()
            _SLOT.child = None
            raise
    if "error" in reply:
        raise Rejected(reply["error"])
    return reply["svg"]


def serve() -> None:
    """The child: a request a line in, a reply a line out, until the input ends."""
    import vl_convert as vlc

    for line in sys.stdin:
        request = json.loads(line)
        try:
            svg = vlc.vegalite_to_svg(
                request["spec"], config=request["config"], allowed_base_urls=[]
            )
            reply = {"svg": svg}
        except Exception as exc:  # vl-convert reports every Vega-Lite failure as an exception
            reply = {"error": _first_line(exc)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def _first_line(exc: Exception) -> str:
    """The message of a JavaScript error, without its stack and without the spec it quotes."""
    for line in str(exc).splitlines():
        line = line.strip()
        if line and not line.startswith("at ") and not line.endswith("conversion failed:"):
            line = re.sub(r"^Error: ", "", line)
            line = re.sub(r"Invalid specification \{.*\}\.", "Invalid specification.", line)
            return line if len(line) <= 200 else line[:199] + "…"
    return type(exc).__name__
