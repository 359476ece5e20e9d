"""The wire between the grader and the learner's process: plain data in length-prefixed frames, never pickle.

How a suite calls learner code (nothing changes for a suite): `checks.need(sol, "softmax")` returns a callable;
calling it sends "call softmax with these arguments" to the child, which runs the learner's function and sends back
the result, the arguments as they are after the call (written back into the suite's own arrays, dicts and lists,
so `checks.unchanged` and in-place checks work as before), the learner's prints, and an exception as data. A
learner's exception is raised again in the grader as the same built-in type (ValueError, NotImplementedError, …;
other types as `LearnerException`), carrying `.remote` (a `RemoteError`: type, message, the learner's frames).
`sol.NAME` for a non-function (ex05's answer strings) is fetched as data (a value that is not plain data comes as
`remote.Unreadable`, with its `str()` as `.text`). Speed advice: `func.best_cpu(*args, repeat=k)` is the best thread
CPU time of one call measured in the child; `func.line_events(*args)` counts the lines of the learner's files one
call runs; `func.parameters` is the learner's signature as data; `speed._cpu` already counts a remote call by the
child's own measurement (`remote.child_cpu`). Advice only, never a verdict. The suite, the references and every
comparison run in the grader, which never imports the learner's file; the child (`studykit.grading.child`)
imports this module and `own` only.

Encoding (`encode` / `decode`): JSON for None, bool, int, float (nan/inf too), str, list; tagged objects for
tuple, dict (any hashable plain keys), complex, ndarray (bool/int/uint/float/complex, raw bytes + dtype + shape),
NumPy scalars (dtype kept), dtypes and `np.random.Generator` (its bit generator's state; rebuilt on the other side).
A frame is: 4-byte header length, UTF-8 JSON header, 8-byte blob length, the blobs (arrays' bytes, concatenated).
`decode` validates everything (sizes, dtypes, shapes, nesting): a malformed frame raises `ProtocolError`.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

# bound now, so a learner who patches json.dumps/json.loads in their process changes nothing here
_dumps, _loads = json.dumps, json.loads
_pack, _unpack, _write, _read = struct.pack, struct.unpack, os.write, os.read

MAX_HEADER = 64 * 1024 * 1024  # bytes of JSON in one frame
MAX_BLOBS = 1024 * 1024 * 1024  # bytes of array data in one frame
MAX_DEPTH = 64
MAX_ITEMS = 1_000_000  # encoded values in one frame
ARRAY_KINDS = "biufc"  # bool, int, uint, float, complex: no object, string, void or datetime arrays
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class ProtocolError(Exception):
    """A frame that is not what the protocol allows (a bug, or the learner's process writing to our channel)."""


class EncodeError(TypeError):
    """A value that cannot be sent as plain data (a class instance, a function, an object array, …)."""


def _np():
    import numpy as np  # imported late: the CLI imports this module without needing numpy for every command

    return np


def encode(value: Any) -> tuple[bytes, bytes]:
    """(JSON header bytes, blob bytes) for `value`."""
    blobs: list[bytes] = []
    offset = [0]
    count = [0]

    def blob(data: bytes) -> list[int]:
        start = offset[0]
        blobs.append(data)
        offset[0] += len(data)
        return [start, len(data)]

    def enc(v: Any, depth: int) -> Any:
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS:
            raise EncodeError("too deeply nested or too many values")
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int) and type(v) is int:
            return v
        if isinstance(v, float) and type(v) is float:
            return v if v == v and v not in (float("inf"), float("-inf")) else {"__float__": repr(v)}
        if isinstance(v, complex) and type(v) is complex:
            return {"__complex__": [enc(v.real, depth + 1), enc(v.imag, depth + 1)]}
        if isinstance(v, (list, tuple)):
            items = [enc(x, depth + 1) for x in v]
            return items if isinstance(v, list) else {"__tuple__": items}
        if isinstance(v, dict):
            return {"__dict__": [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in v.items()]}
        np = _np()
        if isinstance(v, np.ndarray):
            if v.dtype.kind not in ARRAY_KINDS or v.dtype.fields is not None:
                raise EncodeError(f"an array of dtype {v.dtype} (only bool, integer, float and complex arrays)")
            data = np.ascontiguousarray(v)
            return {"__nd__": [data.dtype.str, list(data.shape), *blob(data.tobytes())]}
        if isinstance(v, np.generic):
            if v.dtype.kind not in ARRAY_KINDS:
                raise EncodeError(f"a NumPy scalar of dtype {v.dtype}")
            return {"__scalar__": [v.dtype.str, *blob(v.tobytes())]}
        if isinstance(v, np.dtype):
            return {"__dtype__": v.str}
        if isinstance(v, type) and issubclass(v, np.generic):
            return {"__dtype__": np.dtype(v).str, "type": True}
        if isinstance(v, np.random.Generator):
            return {"__rng__": enc(v.bit_generator.state, depth + 1)}
        if isinstance(v, EpochRecorder):
            return {"__recorder__": [v.budget, v.keep]}
        raise EncodeError(f"a {type(v).__name__}")

    header = _dumps(enc(value, 0), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return header, b"".join(blobs)


class EpochRecorder:
    """Sent as an argument (ex13's `on_epoch`): in the learner's process it becomes a function that keeps a copy of
    each model it is given, with the CPU seconds used so far, and stops the call once `budget` CPU seconds are used."""

    def __init__(self, budget: float, keep: int = 400):
        self.budget = float(budget)
        self.keep = int(keep)


def decode(header: bytes, blobs: bytes, recorder: Any = None) -> Any:
    """The value `encode` made; raises ProtocolError for anything malformed. `recorder(budget, keep)` makes what an
    EpochRecorder stands for (only the learner's process accepts one)."""
    try:
        tree = _loads(header.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"unreadable frame header ({type(exc).__name__})") from None
    count = [0]

    def span(start: Any, size: Any) -> bytes:
        if not (type(start) is int and type(size) is int and 0 <= start and 0 <= size and start + size <= len(blobs)):
            raise ProtocolError("a blob reference outside the frame")
        return blobs[start:start + size]

    def dtype(text: Any):
        np = _np()
        if not isinstance(text, str) or len(text) > 8:
            raise ProtocolError("a malformed dtype")
        try:
            dt = np.dtype(text)
        except TypeError:
            raise ProtocolError(f"an unknown dtype {text[:20]!r}") from None
        if dt.kind not in ARRAY_KINDS or dt.fields is not None:
            raise ProtocolError(f"a refused dtype {dt}")
        return dt

    def dec(v: Any, depth: int) -> Any:
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS:
            raise ProtocolError("too deeply nested or too many values")
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        if isinstance(v, list):
            return [dec(x, depth + 1) for x in v]
        if not isinstance(v, dict) or len(v) not in (1, 2):
            raise ProtocolError("a malformed value")
        tag, body = next(iter(v.items()))
        np = _np()
        if tag == "__tuple__" and isinstance(body, list) and len(v) == 1:
            return tuple(dec(x, depth + 1) for x in body)
        if tag == "__dict__" and isinstance(body, list) and len(v) == 1:
            out = {}
            for pair in body:
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise ProtocolError("a malformed dict entry")
                key = dec(pair[0], depth + 1)
                try:
                    out[key] = dec(pair[1], depth + 1)
                except TypeError:
                    raise ProtocolError("an unhashable dict key") from None
            return out
        if tag == "__float__" and body in ("nan", "inf", "-inf") and len(v) == 1:
            return float(body)
        if tag == "__complex__" and isinstance(body, list) and len(body) == 2 and len(v) == 1:
            re_, im = (dec(x, depth + 1) for x in body)
            if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (re_, im)):
                raise ProtocolError("a malformed complex number")
            return complex(re_, im)
        if tag == "__nd__" and isinstance(body, list) and len(body) == 4 and len(v) == 1:
            dt = dtype(body[0])
            shape = body[1]
            if not (isinstance(shape, list) and len(shape) <= 32 and all(type(n) is int and n >= 0 for n in shape)):
                raise ProtocolError("a malformed array shape")
            size = 1
            for n in shape:
                size *= n
            data = span(body[2], body[3])
            if len(data) != size * dt.itemsize:
                raise ProtocolError(f"an array of shape {tuple(shape)} and dtype {dt} with {len(data)} bytes")
            return np.frombuffer(data, dtype=dt).reshape(shape).copy()  # copy: writeable, owns its memory
        if tag == "__scalar__" and isinstance(body, list) and len(body) == 3 and len(v) == 1:
            dt = dtype(body[0])
            data = span(body[1], body[2])
            if len(data) != dt.itemsize:
                raise ProtocolError("a malformed NumPy scalar")
            return np.frombuffer(data, dtype=dt)[0]
        if tag == "__dtype__" and (len(v) == 1 or v.get("type") is True):
            dt = dtype(body)
            return dt.type if len(v) == 2 else dt
        if tag == "__rng__" and len(v) == 1:
            return make_generator(dec(body, depth + 1))
        if tag == "__recorder__" and recorder is not None and isinstance(body, list) and len(body) == 2 and \
                all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in body):
            return recorder(float(body[0]), int(body[1]))
        raise ProtocolError(f"an unknown tag {str(tag)[:30]!r}")

    try:
        return dec(tree, 0)
    except RecursionError:
        raise ProtocolError("too deeply nested") from None


def make_generator(state: Any):
    """An `np.random.Generator` with the bit generator and state `state` (a bit generator's `.state` dict)."""
    np = _np()
    if not (isinstance(state, dict) and state.get("bit_generator") in BIT_GENERATORS):
        raise ProtocolError("a malformed random generator state")
    bit_generator = getattr(np.random, state["bit_generator"])()
    try:
        bit_generator.state = state
    except (TypeError, ValueError, KeyError) as exc:
        raise ProtocolError(f"a malformed random generator state ({exc})") from None
    return np.random.Generator(bit_generator)


def frame(value: Any) -> bytes:
    header, blobs = encode(value)
    return _pack("<I", len(header)) + header + _pack("<Q", len(blobs)) + blobs


def write_frame(fd: int, value: Any) -> None:
    data = memoryview(frame(value))
    while data:
        written = _write(fd, data)
        data = data[written:]


def read_exact(fd: int, size: int) -> bytes:
    """`size` bytes from `fd`; EOFError if it closes first (the child in `child.py`; the grader reads with a
    deadline, see `remote.Session`)."""
    chunks = []
    while size:
        chunk = _read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, recorder: Any = None) -> Any:
    (header_size,) = _unpack("<I", read_exact(fd, 4))
    if header_size > MAX_HEADER:
        raise ProtocolError(f"a frame header of {header_size} bytes")
    header = read_exact(fd, header_size)
    (blob_size,) = _unpack("<Q", read_exact(fd, 8))
    if blob_size > MAX_BLOBS:
        raise ProtocolError(f"{blob_size} bytes of array data in one frame")
    return decode(header, read_exact(fd, blob_size), recorder)
