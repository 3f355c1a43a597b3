"""Connectors: live reading of VK, Telegram and Odnoklassniki through their HTTP APIs.

A connector turns a source's parameters and cursor into :class:`Batch` es of
reader records (RawMessage / Rejected, the same the file readers make) with the
cursor that holds once that batch is stored. It never touches the database: the
monitor (webmap/monitor/runner.py) stores each batch and its cursor in one
transaction. Errors are :mod:`webmap.connectors.errors`, in words without tokens.
"""

from webmap.connectors.base import Batch, Revision

__all__ = ["Batch", "Revision"]
