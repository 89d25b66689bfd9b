"""Synthetic speech for the small-scale speech papers (speech_cpt, goat_slm): Debian's espeak-ng, 16 kHz mono.

    audio = synthesize("tapa kuni", voice="fi", speed=160, pitch=40)   # float32 in [-1, 1], 16 kHz

espeak-ng is a formant synthesiser: the same text, voice, speed and pitch give the same samples, so audio is a
pure function of the world and the config. A language's sound comes from its `voice` (espeak-ng --voices),
a speaker's from `speed` (words per minute) and `pitch` (0-99). espeak-ng writes 22,050 Hz; the samples are
resampled to `sample_rate` by a polyphase filter (scipy). Install: `apt-get install espeak-ng` (.ci/run does).
"""
from __future__ import annotations

import shutil
import subprocess
from math import gcd

import numpy as np

ESPEAK_RATE = 22050
WAV_HEADER_BYTES = 44  # espeak-ng --stdout writes a canonical RIFF header, then 16-bit mono PCM


def espeak_binary() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        raise FileNotFoundError("espeak-ng is not installed: apt-get install espeak-ng (Debian), as .ci/run does")
    return path


def synthesize(text: str, voice: str = "en", speed: int = 175, pitch: int = 50,
               sample_rate: int = 16000) -> np.ndarray:
    """`text` spoken by espeak-ng's `voice` at `speed` wpm and `pitch` (0-99), as float32 samples."""
    if not text.strip():
        raise ValueError("synthesize: empty text")
    if not 80 <= speed <= 500 or not 0 <= pitch <= 99:
        raise ValueError(f"synthesize: speed must be in [80, 500] wpm and pitch in [0, 99], got {speed}, {pitch}")
    done = subprocess.run([espeak_binary(), "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdin", "--stdout"],
                          input=text.encode(), capture_output=True)
    if done.returncode != 0:
        raise ValueError(f"espeak-ng failed for voice {voice!r}: {done.stderr.decode().strip()}")
    pcm = np.frombuffer(done.stdout[WAV_HEADER_BYTES:], dtype="<i2").astype(np.float32) / 32768.0
    if sample_rate == ESPEAK_RATE:
        return pcm
    from scipy.signal import resample_poly

    g = gcd(sample_rate, ESPEAK_RATE)
    return resample_poly(pcm, sample_rate // g, ESPEAK_RATE // g).astype(np.float32)
