"""Export a trained model to ONNX with its metadata, optionally int8-quantized."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from plate_gui.core.charset import CHARSET
from plate_gui.core.preprocess import PreprocessConfig
from plate_gui.core.weights import WeightsMeta, write_metadata

log = logging.getLogger(__name__)


def export_onnx(model, out_path: Path, pre: PreprocessConfig, temperature: float = 1.0,
                training: dict | None = None, metrics: dict | None = None,
                class_prior: list[float] | None = None) -> WeightsMeta:
    """Write ``out_path`` (ONNX, dynamic batch) and its ``.json`` metadata.

    Args:
        model: torch module mapping ``Nx1xSxS`` -> ``NxC`` logits.
        out_path: where the ``.onnx`` goes; the ``.json`` is written beside it.
        pre: the preprocessing the model was trained with.
        temperature: softmax temperature fitted for calibration.
        training, metrics: provenance and figures stored in the metadata.
        class_prior: per-class frequency on plates (``plateset.plate_char_prior``).

    Returns:
        The metadata written.
    """
    import torch

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    model = model.eval().cpu()
    dummy = torch.zeros(2, 1, pre.input_size, pre.input_size)
    tmp = out_path.with_suffix(".tmp.onnx")
    torch.onnx.export(model, (dummy,), str(tmp), input_names=["crops"], output_names=["logits"],
                      dynamic_axes={"crops": {0: "n"}, "logits": {0: "n"}},
                      opset_version=17, dynamo=False)
    tmp.replace(out_path)
    meta = {"charset": CHARSET, "input_size": pre.input_size, "mean": pre.mean, "std": pre.std,
            "temperature": float(temperature), "class_prior": class_prior,
            "training": training or {}, "metrics": metrics or {}}
    return write_metadata(out_path, meta)


def quantize_int8(fp32_path: Path, out_path: Path, calib: np.ndarray) -> Path:
    """Static QDQ per-channel int8 quantization, calibrated on ``calib`` (``Nx1xSxS``).

    Measured on this CPU (a batch of 8 crops, 2 threads): fp32 11.8 ms; uint8
    activations with int8 weights 4.8 ms; int8 activations 12.1 ms (no faster than
    fp32); dynamic int8 was 4x slower than fp32. The first convolution (one gray
    channel in) and the classifier stay in float: validation accuracy 86.4% vs
    86.2% with them quantized and 86.3% in fp32.
    """
    import onnx
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class _Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._it = iter([{"crops": calib[i:i + 32]} for i in range(0, len(calib), 32)])

        def get_next(self):
            return next(self._it, None)

    pre = Path(out_path).with_suffix(".pre.onnx")
    quant_pre_process(str(fp32_path), str(pre))
    nodes = onnx.load(str(pre)).graph.node
    convs = [n.name for n in nodes if n.op_type == "Conv"]
    heads = [n.name for n in nodes if n.op_type in ("Gemm", "MatMul")]
    keep_float = convs[:1] + heads[-1:]
    quantize_static(str(pre), str(out_path), _Reader(), quant_format=QuantFormat.QDQ,
                    per_channel=True, activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8, nodes_to_exclude=keep_float)
    pre.unlink(missing_ok=True)
    return Path(out_path)
