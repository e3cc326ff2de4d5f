"""The audit's output files, written as the items stream past and published only when complete.

Every file is written under a temporary name beside its final one and renamed at the end
(`os.replace` is atomic): an interrupted run leaves the previous complete files, or none, never a
half-written one.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any, Optional

from . import html
from .items import COLUMNS, LIST_COLUMNS

JSON_NAME, CSV_NAME, PARQUET_NAME, HTML_NAME = "audit.json", "items.csv", "items.parquet", "report.html"
_PARQUET_BATCH = 2000


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _Pending:
    """A file being written under a temporary name; `publish` renames it, `discard` removes it."""

    def __init__(self, final: Optional[Path], mode: str = "w") -> None:
        self.final = final
        if final is None:
            handle, name = tempfile.mkstemp(prefix="imr-check-audit-")
        else:
            handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent)
            # mkstemp makes the file private; a published report gets the usual permissions.
            os.chmod(name, 0o666 & ~_umask())
        os.close(handle)
        self.path = Path(name)
        self.stream: IO[Any] = open(self.path, mode, **({"encoding": "utf-8", "newline": ""} if "b" not in mode else {}))

    def close(self) -> None:
        if not self.stream.closed:
            self.stream.close()

    def publish(self) -> None:
        self.close()
        assert self.final is not None
        os.replace(self.path, self.final)

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(value)
    return value


def _parquet_schema():
    import pyarrow as pa

    text = pa.string()
    types = {"agrees": pa.bool_(), "requested_quantity": pa.float64(), "supported_quantity": pa.float64(),
             **{column: pa.list_(text) for column in LIST_COLUMNS}}
    return pa.schema([(column, types.get(column, text)) for column in COLUMNS])


class AuditOutputs:
    """The JSON document (for stdout and/or DIR/audit.json) and, with a folder, CSV, Parquet and HTML."""

    def __init__(self, out_dir: Optional[Path], keep_json: bool) -> None:
        self.out_dir = out_dir
        self.pending: list[_Pending] = []
        self.json: Optional[_Pending] = None
        self.errors: list[dict[str, str]] = []
        self.items = 0
        self.disagreements = 0
        if out_dir is None and not keep_json:
            return
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
        self.json = self._open(out_dir / JSON_NAME if out_dir else None)
        self.json.stream.write('{"items": [')
        if out_dir is None:
            return
        self.csv_file = self._open(out_dir / CSV_NAME)
        self.csv = csv.writer(self.csv_file.stream)
        self.csv.writerow(COLUMNS)
        import pyarrow.parquet as pq

        self.parquet_file = self._open(out_dir / PARQUET_NAME, "wb")
        self.parquet_schema = _parquet_schema()
        self.parquet = pq.ParquetWriter(self.parquet_file.stream, self.parquet_schema)
        self.parquet_rows: list[dict[str, Any]] = []
        # Disagreements are rendered as they come and the report is assembled around them at the end.
        self.disagreement_file = self._open(None)
        self.html_file = self._open(out_dir / HTML_NAME)

    def _open(self, final: Optional[Path], mode: str = "w") -> _Pending:
        pending = _Pending(final, mode)
        self.pending.append(pending)
        return pending

    def add(self, audited: dict[str, Any]) -> None:
        if "error" in audited:
            self.errors.append({"path": audited["path"], "message": audited["error"]})
            return
        for row in audited["rows"]:
            if self.json is not None:
                self.json.stream.write(("\n  " if self.items == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False))
            if self.out_dir is not None:
                self.csv.writerow([_csv_value(row[column]) for column in COLUMNS])
                self.parquet_rows.append(row)
            self.items += 1
        if self.out_dir is None:
            return
        if len(self.parquet_rows) >= _PARQUET_BATCH:
            self._flush_parquet()
        for detail in audited["details"]:
            self.disagreements += 1
            self.disagreement_file.stream.write(html.disagreement(detail, self.disagreements))

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        if self.parquet_rows:
            self.parquet.write_table(pa.Table.from_pylist(self.parquet_rows, schema=self.parquet_schema))
            self.parquet_rows = []

    def finish(self, summary: dict[str, Any], title: str) -> None:
        """Complete every file and publish those that go to the output folder."""
        if self.json is not None:
            stream = self.json.stream
            stream.write("\n],\n" if self.items else "],\n")
            stream.write('"errors": ' + json.dumps(self.errors, indent=2, ensure_ascii=False) + ",\n")
            stream.write('"summary": ' + json.dumps(summary, indent=2, ensure_ascii=False) + "\n}\n")
            self.json.close()
        if self.out_dir is not None:
            self._flush_parquet()
            self.parquet.close()
            self.disagreement_file.close()
            with open(self.disagreement_file.path, encoding="utf-8") as fragments:
                html.write_report(self.html_file.stream, title, summary, self.errors, fragments, self.disagreements)
            self.disagreement_file.discard()
            for pending in self.pending:
                if pending.final is not None:
                    pending.publish()

    def copy_json(self, target: IO[str]) -> None:
        """The JSON document to a stream (stdout), from the completed file."""
        assert self.json is not None
        source = self.json.final if self.json.final is not None else self.json.path
        with open(source, encoding="utf-8") as stream:
            shutil.copyfileobj(stream, target)

    def discard(self) -> None:
        """Remove every temporary file: after an interruption, or once stdout has the JSON."""
        if getattr(self, "parquet", None) is not None:
            try:
                self.parquet.close()
            except Exception:  # noqa: BLE001 - the file is being thrown away
                pass
        for pending in self.pending:
            if pending.path.exists():
                pending.discard()
