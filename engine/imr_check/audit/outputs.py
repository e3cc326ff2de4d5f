"""The audit's output files, assembled from the run folder's parts and published only when complete.

Every file is written into the run folder's staging folder beside its final place and moved there
at the end (`os.replace` is atomic, and the signals that interrupt a run wait until all four are
moved): an interrupted run leaves the previous complete files, or none, never a half-written one.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import IO, Any, Optional

from . import html, letter_pages
from .items import COLUMNS, LIST_COLUMNS
from .provenance import CSV_COLUMNS, parquet_metadata, provenance

JSON_NAME, CSV_NAME, PARQUET_NAME, HTML_NAME = "audit.json", "items.csv", "items.parquet", "report.html"
_DISAGREEMENTS = "disagreements.html"  # rendered as they come; the report is assembled around them
_PARQUET_BATCH = 2000


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

    def __init__(self, out_dir: Optional[Path], keep_json: bool, staging: Path) -> None:
        self.out_dir = out_dir
        self.staging: Optional[Path] = staging
        self.streams: dict[str, IO[Any]] = {}
        self.parquet = None
        self.errors: list[dict[str, str]] = []
        self.items = 0
        self.disagreements = 0
        self.has_json = keep_json or out_dir is not None
        self.published = False  # the files are in DIR: a signal held while they were moved comes after this
        self.provenance = provenance()  # once: every file of the run carries the same record
        if not self.has_json:
            return
        try:
            self._open_all()
        except BaseException:
            self.discard()
            raise

    def _open_all(self) -> None:
        if self.out_dir is not None:
            import pyarrow.parquet as pq  # before any file exists: the import is the slow part

        self._open(JSON_NAME).write('{"provenance": ' + json.dumps(self.provenance) + ',\n"items": [')
        if self.out_dir is None:
            return
        self.csv = csv.writer(self._open(CSV_NAME))
        self.csv.writerow(COLUMNS + CSV_COLUMNS)
        self.csv_provenance = [self.provenance[column] for column in CSV_COLUMNS]
        self.parquet_schema = _parquet_schema()
        # store_schema=False: the Arrow schema is otherwise copied base64-encoded into the footer, and with the
        # provenance in it the file would differ beyond its timestamp's text. The provenance is the file's
        # key-value metadata instead (added in finish); the Parquet schema keeps every column's type.
        self.parquet = pq.ParquetWriter(self._open(PARQUET_NAME, "wb"), self.parquet_schema, store_schema=False)
        self.parquet_rows: list[dict[str, Any]] = []
        self._open(_DISAGREEMENTS)

    def _open(self, name: str, mode: str = "w") -> IO[Any]:
        assert self.staging is not None
        text = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        self.streams[name] = open(self.staging / name, mode, **text)
        return self.streams[name]

    def add(self, audited: dict[str, Any]) -> None:
        if "error" in audited:
            self.errors.append({"path": audited["path"], "message": audited["error"]})
        if "rows" not in audited:
            return
        for row in audited["rows"]:
            if self.has_json:
                self.streams[JSON_NAME].write(("\n  " if self.items == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False))
            if self.out_dir is not None:
                self.csv.writerow([_csv_value(row[column]) for column in COLUMNS] + self.csv_provenance)
                self.parquet_rows.append(row)
            self.items += 1
        if self.out_dir is None:
            return
        if len(self.parquet_rows) >= _PARQUET_BATCH:
            self._flush_parquet()
        for letter in audited.get("letters") or ([audited["letter"]] if "letter" in audited else []):
            letter_pages.write_page(self.staging / letter_pages.FOLDER, letter, self.provenance)
        for detail in audited["details"]:
            self.disagreements += 1
            self.streams[_DISAGREEMENTS].write(html.disagreement(detail, self.disagreements))

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        if self.parquet_rows:
            self.parquet.write_table(pa.Table.from_pylist(self.parquet_rows, schema=self.parquet_schema))
            self.parquet_rows = []

    def finish(self, summary: dict[str, Any], title: str) -> None:
        """Complete every file and move those of the output folder into place."""
        if not self.has_json:
            return
        stream = self.streams[JSON_NAME]
        stream.write("\n],\n" if self.items else "],\n")
        stream.write('"errors": ' + json.dumps(self.errors, indent=2, ensure_ascii=False) + ",\n")
        stream.write('"summary": ' + json.dumps(summary, indent=2, ensure_ascii=False) + "\n}\n")
        if self.out_dir is None:
            self._close()
            return
        self._flush_parquet()
        self.parquet.add_key_value_metadata(parquet_metadata(self.provenance))
        self.parquet.close()
        self.streams[_DISAGREEMENTS].close()
        with open(self.staging / _DISAGREEMENTS, encoding="utf-8") as fragments:
            html.write_report(self._open(HTML_NAME), title, summary, self.errors, fragments, self.disagreements,
                              self.provenance)
        self._close()
        with _signals_held():
            self._publish_letter_pages()
            for name in (JSON_NAME, CSV_NAME, PARQUET_NAME, HTML_NAME):
                os.replace(self.staging / name, self.out_dir / name)
            self.published = True
        self.discard()

    def _publish_letter_pages(self) -> None:
        """The letters folder replaces the previous run's: a folder cannot be replaced over a full one."""
        assert self.staging is not None and self.out_dir is not None
        pages = self.staging / letter_pages.FOLDER
        pages.mkdir(exist_ok=True)
        target = self.out_dir / letter_pages.FOLDER
        if target.exists():
            os.replace(target, self.staging / "previous-letters")
        os.replace(pages, target)

    def _close(self) -> None:
        for stream in self.streams.values():
            if not stream.closed:
                stream.close()

    def copy_json(self, target: IO[str]) -> None:
        """The JSON document to a stream (stdout), from the completed file."""
        source = self.out_dir / JSON_NAME if self.out_dir is not None else self.staging / JSON_NAME
        with open(source, encoding="utf-8") as stream:
            shutil.copyfileobj(stream, target)

    def discard(self) -> None:
        """Remove the staging folder: after an interruption, or once stdout has the JSON."""
        if self.staging is None:
            return
        if self.parquet is not None:
            try:
                self.parquet.close()
            except Exception:  # noqa: BLE001 - the file is being thrown away
                pass
        self._close()
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


_HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _signals_held:
    """Ctrl-C, SIGTERM and SIGHUP wait while the files are moved: the four are published together.

    Held by handlers that note the signal, not by the signal mask: a mask is the main thread's alone,
    and a signal the kernel gives another thread (a Dask client's, an embedding program's) still runs
    the main thread's handler at once, between two of the moves. Once they are done, the signal is
    raised again for the handler in place before.
    """

    def __enter__(self) -> None:
        self.previous: dict[int, Any] = {}
        self.arrived: list[int] = []
        if threading.current_thread() is threading.main_thread():
            for signum in _HELD:
                self.previous[signum] = signal.signal(signum, self._note)

    def _note(self, signum: int, frame: object) -> None:
        self.arrived.append(signum)

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(self.arrived):
            signal.raise_signal(signum)
