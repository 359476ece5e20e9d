"""The grader ↔ learner wire: plain data round-trips with its types, and malformed frames are refused."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from studykit.grading import protocol


def roundtrip(value):
    header, blobs = protocol.encode(value)
    return protocol.decode(header, blobs)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int64", "uint16", "float16", "float32", "float64",
                                   "complex64", "complex128", ">f8"])
def test_arrays_keep_dtype_shape_and_values(dtype):
    arr = (np.arange(12).reshape(3, 4) % 3).astype(dtype)[:, ::2]  # a non-contiguous view too
    back = roundtrip(arr)
    assert back.dtype == arr.dtype and back.shape == arr.shape and np.array_equal(back, arr)
    assert back.flags.writeable


def test_plain_values_and_numpy_scalars_keep_their_types():
    value = {"a": [1, 2.5, None, True, "文字"], 3: (np.float32(1.5), np.int64(-7), np.bool_(True)),
             "c": complex(1, -2), "nan": float("nan"), "inf": float("-inf"), "dt": np.dtype("float32"),
             "t": np.float32, "empty": np.zeros((0, 3))}
    back = roundtrip(value)
    assert back["a"] == [1, 2.5, None, True, "文字"]
    assert isinstance(back[3], tuple) and [type(x) for x in back[3]] == [np.float32, np.int64, np.bool_]
    assert back["c"] == complex(1, -2) and np.isnan(back["nan"]) and back["inf"] == float("-inf")
    assert back["dt"] == np.dtype("float32") and back["t"] is np.float32 and back["empty"].shape == (0, 3)


def test_a_generator_is_rebuilt_from_its_state():
    rng = np.random.default_rng(7)
    rng.standard_normal(3)
    back = roundtrip(rng)
    assert np.array_equal(back.standard_normal(5), rng.standard_normal(5))
    mt = np.random.Generator(np.random.MT19937(3))
    assert roundtrip(mt).integers(1000) == mt.integers(1000)


@pytest.mark.parametrize("value", [object(), np.array(["a"]), np.array([object()]), lambda: 1, {1, 2}])
def test_what_is_not_plain_data_is_refused(value):
    with pytest.raises(protocol.EncodeError):
        protocol.encode(value)


@pytest.mark.parametrize("header, blobs", [
    (b"not json", b""),
    (json.dumps({"__nd__": ["<f8", [2, 2], 0, 8]}).encode(), b"\0" * 8),  # too few bytes for the shape
    (json.dumps({"__nd__": ["|O", [1], 0, 8]}).encode(), b"\0" * 8),  # object dtype
    (json.dumps({"__nd__": ["<f8", [-1], 0, 8]}).encode(), b"\0" * 8),
    (json.dumps({"__nd__": ["<f8", [1], 4, 8]}).encode(), b"\0" * 8),  # outside the blobs
    (json.dumps({"__pickle__": "x"}).encode(), b""),
    (json.dumps({"__rng__": {"__dict__": [["bit_generator", "os.system"]]}}).encode(), b""),
    (json.dumps({"__dict__": [[[1], 2]]}).encode(), b""),  # unhashable key
    (b"[" * 100000 + b"]" * 100000, b""),
])
def test_malformed_frames_raise_protocol_error(header, blobs):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(header, blobs)


def test_frames_over_a_pipe(tmp_path):
    import os

    r, w = os.pipe()
    value = {"x": np.arange(5.0), "s": "ok"}
    protocol.write_frame(w, value)
    os.close(w)
    back = protocol.read_frame(r)
    assert np.array_equal(back["x"], value["x"]) and back["s"] == "ok"
    r2, w2 = os.pipe()
    os.write(w2, struct.pack("<I", protocol.MAX_HEADER + 1))
    with pytest.raises(protocol.ProtocolError):
        protocol.read_frame(r2)
    for fd in (r, r2, w2):
        os.close(fd)
