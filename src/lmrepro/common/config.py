"""Configuration: YAML files validated against workflow/schemas, scale overlays, typed dataclasses.

A paper's YAML has shared settings plus `scales: {ci, small, paper}` overlays. The resolved config for a scale is
the shared part deep-merged with that scale's overlay. Method code never branches on the scale name; it reads
typed dataclasses built from the resolved `params` section: each paper's `Params` (lmrepro.papers.<slug>.params)
has one field per section, and an unknown or mistyped key is an error that names the key.
"""
from __future__ import annotations

import dataclasses
import functools
import importlib
import os
import types
import typing
from pathlib import Path
from typing import Any

import yaml

from lmrepro import REPO_ROOT
from lmrepro.common.params import ModelSpec

SCALES = ("ci", "small", "paper")
SCHEMA_DIR = REPO_ROOT / "workflow" / "schemas"


class ConfigError(ValueError):
    """A configuration value is missing, unknown or of the wrong type; the message names the key and file."""


# libyaml's safe loader where PyYAML was built with it: every Snakemake job parses every paper config, and the
# pure-Python loader made that half of each job's start-up.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: str | Path) -> Any:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    try:
        return yaml.load(path.read_text(), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as err:
        raise ConfigError(f"{path} is not valid YAML: {err}") from err


def deep_merge(base: dict, overlay: dict) -> dict:
    """Overlay wins; nested dicts merge key by key; lists and scalars are replaced whole."""
    out = dict(base)
    for key, value in (overlay or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


@functools.lru_cache(maxsize=None)
def _schema(schema_name: str) -> dict:
    return load_yaml(SCHEMA_DIR / schema_name)


def validate(doc: Any, schema_name: str, source: str | Path) -> None:
    """Validate against workflow/schemas/<schema_name>; the error names the offending key path and file, and the
    claim's id for an error inside a claim."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema(schema_name))
    errors = sorted(_specific(validator.iter_errors(doc)), key=lambda e: list(e.absolute_path))
    if errors:
        lines = []
        for err in errors[:5]:
            path = list(err.absolute_path)
            where = ".".join(str(p) for p in path) or "<top level>"
            message = err.message
            if list(err.schema_path)[-2:] == ["propertyNames", "not"]:  # the schema's way to refuse a key
                message = f"key {err.instance!r} is not allowed here"
            if path[:1] == ["claims"] and len(path) > 1 and isinstance(doc["claims"][path[1]], dict):
                message += f" (claim {doc['claims'][path[1]].get('id', '<no id>')})"
            lines.append(f"  {where}: {message}")
        raise ConfigError(f"{source} is invalid:\n" + "\n".join(lines))


def _specific(errors):
    """For a value that matches none of a oneOf/anyOf (e.g. `reported`: null or a figure), the errors of the
    alternatives it was meant for (not "is not of type 'null'"); the "unevaluated properties" echo of a failed
    allOf is dropped when a more specific error explains it."""
    for err in errors:
        if err.validator not in ("oneOf", "anyOf") or not err.context:
            yield err
            continue
        inner = [e for e in err.context if e.validator != "type"] or [err]
        specific = [e for e in inner if e.validator != "unevaluatedProperties"]
        yield from _specific(specific or inner)


def paper_config_path(slug: str, root: str | Path | None = None) -> Path:
    """config/papers/<slug>.yaml under `root`; by default the workflow directory a job runs in (its cwd) when
    it has one, else this checkout."""
    if root is None:
        local = Path.cwd() / "config" / "papers" / f"{slug}.yaml"
        return local if local.is_file() else REPO_ROOT / "config" / "papers" / f"{slug}.yaml"
    return Path(root) / "config" / "papers" / f"{slug}.yaml"


def load_paper_config(path: str | Path, scale: str) -> dict:
    """Validate a paper config and resolve it for one scale."""
    doc = load_yaml(path)
    validate(doc, "paper.schema.yaml", path)
    if scale not in SCALES:
        raise ConfigError(f"unknown scale {scale!r} (expected one of {', '.join(SCALES)})")
    overlay = dict(doc["scales"].get(scale) or {})
    standin = {k: v for k, v in (overlay.pop("standin", None) or {}).items() if k != "repos"}  # repos: built
    resolved = deep_merge({k: v for k, v in doc.items() if k != "scales"}, overlay)
    if scale == "paper" and standin_mode():
        resolved = deep_merge(resolved, standin)
    resolved["scale"] = scale
    return resolved


def standin_mode() -> bool:
    """LMREPRO_STANDIN=1: the paper scale runs on hub-shaped stand-ins (lmrepro.common.standins), with each
    config's `scales.paper.standin` overlay (a few steps, no GPUs) on top."""
    return os.environ.get("LMREPRO_STANDIN") == "1"


def apply_overrides(params: dict, overrides: list[str]) -> dict:
    """`section.key=value` strings (values parsed as YAML) applied on top of params."""
    for item in overrides:
        if "=" not in item:
            raise ConfigError(f"override {item!r} must look like section.key=value")
        dotted, raw = item.split("=", 1)
        node = params
        keys = dotted.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = _parse_scalar(raw)
    return params


def _parse_scalar(raw: str) -> Any:
    """YAML parsing, except that `1e-2` (a string to YAML 1.1) is read as the float it looks like."""
    value = yaml.safe_load(raw)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is Any:
        return value
    if hint is ModelSpec:  # its keys are checked by check_model_keys, which needs transformers
        from lmrepro.common.models import check_model_family

        try:
            check_model_family(value, where)
        except ValueError as err:
            raise ConfigError(str(err)) from err
        return ModelSpec(value)
    if dataclasses.is_dataclass(hint):
        return from_dict(hint, value, where)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(value, arg, where)
            except ConfigError as err:
                errors.append(str(err))
        raise ConfigError(errors[0] if errors else f"{where}: unexpected value {value!r}")
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__} {value!r}")
        (item_hint, *_) = typing.get_args(hint) or (Any,)
        return type(value)(_coerce(v, item_hint, f"{where}[{i}]") for i, v in enumerate(value)) if origin is list \
            else tuple(_coerce(v, item_hint, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {value!r}")
        return dict(value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (int, float, str, bool):
        if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
            raise ConfigError(f"{where}: expected {hint.__name__}, got {type(value).__name__} {value!r}")
        return value
    return value


def from_dict(cls: type, data: dict | None, where: str = "params") -> Any:
    """Build dataclass `cls` from a mapping, rejecting unknown keys and wrong types with the key's dotted name."""
    data = data or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping for {cls.__name__}, got {data!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(f'{where}.{k}' for k in unknown)} for {cls.__name__} "
                          f"(known: {', '.join(sorted(fields))})")
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for name, field in fields.items():
        if name in data:
            kwargs[name] = _coerce(data[name], hints[name], f"{where}.{name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{where}: missing required key {name!r} for {cls.__name__}")
    obj = cls(**kwargs)
    check = getattr(obj, "check", None)
    if check is not None:
        check(where)
    return obj


def params_class(slug: str) -> type:
    """`Params` of lmrepro.papers.<slug>.params: the paper's sections and their dataclasses (a light module)."""
    return importlib.import_module(f"lmrepro.papers.{slug}.params").Params


def section_type(slug: str, section: str) -> type:
    """The type of `params.<section>` in the paper's `Params`."""
    hints = typing.get_type_hints(params_class(slug))
    if section not in hints:
        raise ConfigError(f"{slug}.params: unknown section {section!r} (known: {', '.join(hints)})")
    return hints[section]


def build_params(slug: str, resolved: dict) -> Any:
    """The resolved config's `params` built into the paper's `Params`, so an unknown section or key, a wrong type
    or a value its dataclass rejects fails, naming `<slug>.params.<section>.<key>`. Light (no torch): model
    sections are checked for a known family only; `check_model_keys` checks the rest."""
    try:
        return from_dict(params_class(slug), resolved.get("params"), f"{slug}.params")
    except ConfigError:
        raise
    except ValueError as err:  # a dataclass check() names its key
        raise ConfigError(str(err)) from err


def check_model_keys(slug: str, params: Any) -> None:
    """Check every model section of a built `Params` against its transformers config class (this imports torch,
    ~2-5 s, so the workflow does it once before the first job rather than whenever it parses the Snakefile)."""
    from lmrepro.common.models import check_model_spec

    for name, hint in typing.get_type_hints(type(params)).items():
        if hint is ModelSpec:
            try:
                check_model_spec(getattr(params, name), f"{slug}.params.{name}")
            except ValueError as err:
                raise ConfigError(str(err)) from err


def validate_params(slug: str, resolved: dict) -> Any:
    """`build_params` and `check_model_keys`: every check of a paper's hyperparameters."""
    params = build_params(slug, resolved)
    check_model_keys(slug, params)
    return params
