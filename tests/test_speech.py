"""common.speech: espeak-ng synthesis is deterministic, resampled to 16 kHz, and voices/speakers sound different."""
import numpy as np
import pytest

from lmrepro.common.speech import synthesize


def test_same_settings_same_samples_and_16k_output():
    a, b = synthesize("tapa kuni lomo", voice="fi"), synthesize("tapa kuni lomo", voice="fi")
    assert a.dtype == np.float32 and np.array_equal(a, b)
    native = synthesize("tapa kuni lomo", voice="fi", sample_rate=22050)
    assert abs(len(a) - len(native) * 16000 / 22050) <= 2  # resampled, same duration
    assert 0.3 < len(a) / 16000 < 3.0 and 0.05 < np.abs(a).max() <= 1.0


def test_speed_pitch_and_voice_change_the_audio():
    base = synthesize("tapa kuni lomo", voice="fi", speed=160, pitch=40)
    assert len(synthesize("tapa kuni lomo", voice="fi", speed=320, pitch=40)) < 0.75 * len(base)  # faster speaker
    assert not np.array_equal(synthesize("tapa kuni lomo", voice="fi", speed=160, pitch=80), base)
    assert not np.array_equal(synthesize("tapa kuni lomo", voice="sw", speed=160, pitch=40), base)


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="empty text"):
        synthesize("  ")
    with pytest.raises(ValueError, match="voice 'nosuch'"):
        synthesize("tapa", voice="nosuch")
    with pytest.raises(ValueError, match="pitch"):
        synthesize("tapa", pitch=120)
