"""A spaCy pipeline (e.g. en_core_web_sm) from its hub snapshot, without pip-installing it.

spaCy publishes each trained pipeline on the Hugging Face hub as a wheel (`spacy/en_core_web_sm`:
`en_core_web_sm-any-py3-none-any.whl`), fetched like any model snapshot with `allow: ["*.whl"]`. The wheel holds
the package `<name>/<name>-<version>/` (config.cfg, meta.json, one folder per component); that folder is
extracted and given to `spacy.load`, which reads config and weights and runs no code from the package.
"""
from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath


def pipeline_dir_in_wheel(names: list[str]) -> str:
    """The `<name>/<name>-<version>/` prefix of a spaCy pipeline wheel's members (the folder with config.cfg)."""
    configs = [n for n in names if PurePosixPath(n).name == "config.cfg" and len(PurePosixPath(n).parts) == 3]
    if len(configs) != 1:
        raise ValueError(f"expected one <package>/<package>-<version>/config.cfg in the wheel, found {configs}")
    return str(PurePosixPath(configs[0]).parent) + "/"


def extract_pipeline(wheel: Path, out: Path) -> Path:
    """Extract the wheel's pipeline folder into `out`; returns the folder spacy.load takes."""
    with zipfile.ZipFile(wheel) as zf:
        prefix = pipeline_dir_in_wheel(zf.namelist())
        members = [n for n in zf.namelist() if n.startswith(prefix) and not n.endswith("/")]
        for name in members:
            if ".." in PurePosixPath(name).parts:
                raise ValueError(f"{wheel}: refusing member {name!r} outside the package")
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(name))
    return out / prefix


def load_from_snapshot(snapshot: str | Path, disable: tuple[str, ...] = ()):
    """spacy.load of the one pipeline wheel in a hub snapshot directory."""
    import spacy

    wheels = sorted(Path(snapshot).glob("*.whl"))
    if len(wheels) != 1:
        raise FileNotFoundError(f"expected one spaCy pipeline wheel (*.whl) in {snapshot}, found "
                                f"{[w.name for w in wheels]}; fetch it with `allow: ['*.whl']`")
    with tempfile.TemporaryDirectory() as tmp:
        return spacy.load(extract_pipeline(wheels[0], Path(tmp)), disable=list(disable))
