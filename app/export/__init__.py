"""Exports of the analytics views: CSV or Parquet files with a Frictionless Data Package."""

from app.export.package import FORMATS, Written
from app.export.snapshot import ExportError, ExportProgress, export_views

__all__ = ["FORMATS", "ExportError", "ExportProgress", "Written", "export_views"]
