"""YAML loading that remembers where every key was, so errors can name the line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ._files import MB, read_regular, utf16_encoding
from .errors import InputError, Problem

# A case with 10,000 requests is about 2 MB of YAML.
YAML_LIMIT = 16 * MB


class LineDict(dict):
    """A mapping that knows the line of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    line: int = 0
    item_lines: list[int]


# libyaml's parser (when PyYAML was built with it) reads YAML several times faster than the pure
# Python one; the constructors below, which record lines, are the same for both.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    explicit = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    # flatten_mapping puts the keys a merge (`<<: *base`) brings in first, in the order where a later
    # one overrides an earlier: only the keys written here are checked for duplicates.
    merged = len(node.value) - explicit
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    written: set[Any] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool, dt.date)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        if index >= merged and key in written:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        if index >= merged:
            written.add(key)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    # PyYAML resolves anything shaped like a date, then raises a bare ValueError for 2015-13-45.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a valid date ({error})", node.start_mark
        ) from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    # Python refuses to convert an integer of more than 4300 digits with a bare ValueError.
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"an integer of {len(node.value)} characters is too long to be a value", node.start_mark
        ) from None


_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def load_yaml_text(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"not valid YAML: {error.problem or error.context}"
        raise InputError.single(source, message, line) from None
    except yaml.reader.ReaderError as error:
        # The reader reports a NUL or control character by its position in the text only.
        line = text.count("\n", 0, error.position) + 1
        character = chr(error.character) if isinstance(error.character, int) else error.character
        raise InputError.single(source, f"not valid YAML: the control character {character!r} is not allowed in YAML "
                                        "text", line) from None
    except yaml.YAMLError as error:
        raise InputError.single(source, f"not valid YAML: {error}") from None
    except RecursionError:
        raise InputError.single(source, "not valid YAML: nested too deeply") from None


def load_yaml_file(path: Path) -> Any:
    raw = read_regular(path, YAML_LIMIT, "expected a YAML file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        found = "; it looks like UTF-16 text: save it as UTF-8" if utf16_encoding(raw) else ""
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError.single(
            str(path), f"is not UTF-8 text (byte {error.start}){found}: expected a YAML file in UTF-8", line
        ) from None
    return load_yaml_text(text, str(path))


def non_string_keys(data: Any, source: str, loc: tuple[Any, ...] = (), seen: set[int] | None = None) -> list[Problem]:
    """A problem at its own line for each key YAML did not read as a string (`null:`, `yes:`, `3:`);
    pydantic would report them all at the mapping's first line with "Keys should be strings"."""
    problems: list[Problem] = []
    # An alias is the same object as its anchor: each node is walked once, or a "billion laughs" file of
    # nested aliases would be walked 9^9 times.
    seen = set() if seen is None else seen
    if isinstance(data, (LineDict, LineList)):
        if id(data) in seen:
            return problems
        seen.add(id(data))
    if isinstance(data, LineDict):
        for key, value in data.items():
            if not isinstance(key, str):
                written = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
                kind = "null" if key is None else "a boolean" if isinstance(key, bool) else "a number"
                problems.append(Problem(source, data.key_lines.get(str(key)), dotted(loc),
                                        f"this key is read by YAML as {kind} ({written}; `yes`, `no`, `on` and `off` "
                                        "are booleans), not a name: keys are names such as 'text'; quote it "
                                        "if a name is meant"))
            problems += non_string_keys(value, source, loc + (str(key),), seen)
    elif isinstance(data, LineList):
        for index, item in enumerate(data):
            problems += non_string_keys(item, source, loc + (index,), seen)
    return problems


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest node of `loc` that exists in `data`."""
    line = getattr(data, "line", None) or None
    node = data
    for part in loc:
        if isinstance(node, LineDict) and str(part) in node.key_lines:
            # a date key (2016-07-29) is a date in the mapping and a string in pydantic's locations
            line = node.key_lines[str(part)]
            node = node[next(key for key in node if str(key) == str(part))]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_at(model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> type[BaseModel] | None:
    """The pydantic model that owns the last element of `loc`, for did-you-mean hints."""
    current: Any = model
    node = data
    for part in loc:
        mapping = _dict_of(current)
        if mapping is not None and not isinstance(part, int):
            # A key of a mapping of models (topics: {acupuncture: ...}) names an entry, not a field.
            current = mapping
            node = node.get(part) if isinstance(node, dict) else None
            continue
        current = _unwrap(current, node)
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = _field(current, part)
            if field is None:
                return current
            current = field.annotation
            node = node.get(part) if isinstance(node, dict) else None
        else:
            return None
    current = _unwrap(current, node)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _dict_of(annotation: Any) -> Any:
    """The value type of a dict annotation (also inside Optional), else None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = members[0] if len(members) == 1 else annotation
    return typing.get_args(annotation)[-1] if typing.get_origin(annotation) is dict else None


def _field(model: type[BaseModel], name: str) -> Any:
    for field_name, field in model.model_fields.items():
        if name in (field_name, field.alias):
            return field
    return None


def _keys(model: type[BaseModel]) -> set[str]:
    return {f.alias or n for n, f in model.model_fields.items()}


def _unwrap(annotation: Any, node: Any = None) -> Any:
    """Strip Optional/list/dict/Annotated wrappers down to the model they hold; in a union of
    models, pick the one whose keys best match the data."""
    for _ in range(8):
        origin = typing.get_origin(annotation)
        if origin is None:
            return annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            members = [_unwrap(a) for a in args]
            models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            if models and isinstance(node, dict):
                annotation = max(models, key=lambda m: len(_keys(m) & set(node)))
            else:
                annotation = models[0] if models else args[0]
        elif origin in (list, tuple, set, frozenset):
            annotation = args[0]
        elif origin is dict:
            annotation = args[-1]
        else:
            return annotation
    return annotation


_DATE_REPR = re.compile(r"^datetime\.date\((\d+), (\d+), (\d+)\)$")
_UNION_TAG = re.compile(r"^(int|float|str|bool|list\[.*\]|dict\[.*\])$")


def _dated_union_loc(loc: tuple, data: Any) -> tuple | None:
    """A location inside a plain-or-dated value (`X` or `{DATE: X}`), without pydantic's branch tags;
    None for an error of a branch whose shape (mapping, list, scalar) is not the value written."""
    cleaned: list = []
    for part in loc:
        if isinstance(part, str) and (match := _DATE_REPR.match(part)):
            part = dt.date(*map(int, match.groups())).isoformat()
        elif isinstance(part, str) and _UNION_TAG.match(part):
            written = _at(data, tuple(cleaned))
            shape = dict if part.startswith("dict[") else list if part.startswith("list[") else None
            if (shape is None and isinstance(written, (dict, list))) or (shape and not isinstance(written, shape)):
                return None
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _at(data: Any, loc: tuple) -> Any:
    node = data
    for part in loc:
        if isinstance(node, dict):
            node = next((v for k, v in node.items() if str(k) == str(part)), None)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def validation_problems(
    error: ValidationError, data: Any, source: str, model: type[BaseModel], loc_filter: Any = None,
    dated_values: bool = False,
) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = loc_filter(tuple(item["loc"])) if loc_filter else tuple(item["loc"])
        if dated_values:
            loc = _dated_union_loc(loc, data)
            if loc is None:
                continue
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            owner = _model_at(model, loc[:-1], data)
            key = str(item["loc"][-1])
            allowed = sorted(_keys(owner)) if owner else []
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            message = f"unknown key {key!r}"
            if close:
                message += f"; did you mean {close[0]!r}?"
            if allowed:
                message += f" Allowed here: {', '.join(allowed)}"
        elif item["type"] in ("literal_error", "enum"):
            message = f"{message} (got {item.get('input')!r})"
        problems.append(Problem(source, line_of(data, loc), dotted(loc), message))
    return problems
