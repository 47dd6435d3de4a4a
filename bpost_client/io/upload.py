"""The one upload pipeline: read the file, validate, plan against the chain, send, report.

Every upload of the platform (funds, SSIs, corporate information, securities, closes, dividends)
runs through :func:`run_upload` with an :class:`Upload` that supplies its three domain steps:

- ``validate``: pure, no chain; every bad cell as a :class:`~bpost_client.exceptions.RowError`
  with row, column and reason, and the valid rows;
- ``plan``: against the chain; it files each valid row under what would be done with it
  (``register``, ``publish``, ``correct`` ...) or as unchanged (the chain already holds it as it
  is: this is what makes a re-run or a resumed upload send nothing twice), and adds the errors
  only the chain can show (a security not in the master, a counterparty not on the platform);
- ``send``: the planned rows in batches; it returns the number of transactions.

Before it plans, the signer's transactions still in flight (an earlier send, a node lost under
it) are awaited until each nonce is mined or dropped (``Sender.settle``), so that the plan sees
what the chain holds. The whole file is validated and planned before anything is sent: with any
bad row nothing is sent unless ``skip_invalid``, which sends the good rows and reports the bad
ones. A dry run stops after the plan and reports what would be sent. The result is one
:class:`UploadReport` for every upload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar

import pandas as pd

from bpost_client.exceptions import RowError, ValidationError
from bpost_client.io.tables import read_table

if TYPE_CHECKING:
    from web3.types import TxReceipt

    from bpost_client.client import Client

__all__ = ["OnDone", "Upload", "UploadOptions", "UploadReport", "run_upload"]

Row = TypeVar("Row")
Item = TypeVar("Item")
Context = TypeVar("Context")

OnDone = Callable[["TxReceipt"], None] | None
"""Called with each receipt as the upload's transactions are mined (a progress bar)."""


@dataclass
class UploadReport(Generic[Item]):
    """What an upload found and did.

    Attributes:
        source: the file read, or ``table`` for a DataFrame.
        planned: per action (``register``, ``publish``, ``correct`` ...), the rows to send as
            (row number, what is sent for it).
        unchanged: the rows the chain already holds as they are (sent again never).
        errors: every bad row, with row, column and reason, in row order.
        outcomes: per row, what it is on chain when that is news (e.g. the fund code a
            registration got, or the code of a fund already registered).
        transactions: the transactions sent.
        dry_run: whether the upload stopped after the plan.
    """

    source: str
    planned: dict[str, list[tuple[int, Item]]] = field(default_factory=dict)
    unchanged: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    outcomes: dict[int, str] = field(default_factory=dict)
    transactions: int = 0
    dry_run: bool = False

    def plan(self, action: str, row: int, item: Item) -> None:
        """File row ``row`` (sending ``item``) under ``action``."""
        self.planned.setdefault(action, []).append((row, item))

    def items(self, action: str) -> list[Item]:
        """What is sent for ``action``, in row order of the file."""
        return [item for _row, item in self.planned.get(action, [])]

    def rows(self, action: str) -> list[int]:
        """The row numbers filed under ``action``."""
        return [row for row, _item in self.planned.get(action, [])]

    @property
    def bad_rows(self) -> set[int]:
        """The rows with at least one error."""
        return {error.row for error in self.errors}

    @property
    def to_send(self) -> int:
        """How many rows are planned, all actions together."""
        return sum(len(entries) for entries in self.planned.values())

    def summary(self) -> dict[str, Any]:
        """The report as the `bpost ... upload` commands print it, one shape for every upload:
        the rows per action (sent, or to be sent by a dry run), the unchanged rows, the
        transactions, the bad rows and the rows' outcomes."""
        return {
            "file": self.source,
            "dry_run": self.dry_run,
            **{action: len(entries) for action, entries in self.planned.items()},
            "unchanged": len(self.unchanged),
            "transactions": self.transactions,
            "bad_rows": [str(error) for error in self.errors],
            "outcomes": {str(row): outcome for row, outcome in sorted(self.outcomes.items())},
        }


@dataclass(frozen=True)
class Upload(Generic[Row, Item, Context]):
    """One kind of upload: what its file is called, the actions its plan files rows under (the
    report lists each, even when empty) and its three domain steps.

    ``plan`` files the valid rows in the report and returns what ``send`` needs besides them
    (e.g. the security master it read); rows with an error are skipped by both.
    """

    what: str
    actions: tuple[str, ...]
    validate: Callable[[pd.DataFrame], tuple[list[Row], list[RowError]]]
    plan: Callable[[Client, list[Row], UploadReport[Item]], Context]
    send: Callable[[Client, UploadReport[Item], Context, OnDone], int]


class UploadOptions(TypedDict, total=False):
    """The options of every upload (see :func:`run_upload`)."""

    skip_invalid: bool
    dry_run: bool
    on_done: OnDone


def run_upload(
    upload: Upload[Row, Item, Context],
    client: Client,
    source: Path | str | pd.DataFrame,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    on_done: OnDone = None,
) -> UploadReport[Item]:
    """Read ``source`` (a CSV or .xlsx file, or a DataFrame), validate it, plan it against the
    chain and send what the plan holds. ``partial(run_upload, upload)`` is an upload function:
    the domains' ``upload_prices(client, source, dry_run=True)`` ... are made so.

    Raises:
        ValidationError: bad rows (and ``skip_invalid`` not set), each with row, column and
            reason; nothing was sent.
        TransactionError: the signer still has transactions in the node's pool (nothing was
            planned or sent).
    """
    frame = source if isinstance(source, pd.DataFrame) else read_table(source)
    rows, errors = upload.validate(frame)
    name = "table" if isinstance(source, pd.DataFrame) else str(source)
    report: UploadReport[Item] = UploadReport(
        name, {action: [] for action in upload.actions}, errors=list(errors), dry_run=dry_run
    )
    if client.account is not None:
        client.sender.settle()  # every nonce used mined or dropped: the plan sees the chain
    context = upload.plan(client, rows, report)
    report.errors.sort(key=lambda error: (error.row, error.column))
    if report.errors and not skip_invalid:
        raise ValidationError(f"the {upload.what} has bad rows; nothing was sent", report.errors)
    if dry_run or not report.to_send:
        return report
    report.transactions = upload.send(client, report, context, on_done)
    return report
