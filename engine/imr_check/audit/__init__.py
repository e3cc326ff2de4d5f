"""`imr-check audit`: reviewer consistency over many letters or case files."""

from .inputs import SUFFIXES, Input, expand
from .items import COLUMNS, audit_file
from .outputs import CSV_NAME, HTML_NAME, JSON_NAME, PARQUET_NAME
from .run import AuditRun, audited, run_audit
from .tally import Tally, guideline_group

__all__ = [
    "AuditRun",
    "COLUMNS",
    "CSV_NAME",
    "HTML_NAME",
    "Input",
    "JSON_NAME",
    "PARQUET_NAME",
    "SUFFIXES",
    "Tally",
    "audit_file",
    "audited",
    "expand",
    "guideline_group",
    "run_audit",
]
