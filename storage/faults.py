"""What a database fault looks like to the code above storage: `DatabaseUnavailable`
(and its `DatabaseTimeout` and `DatabaseBusy`), each saying whether the transaction was
certainly rolled back, and `rolled_back(err)` for any other error a transaction raised.

Certain means the failure came before COMMIT was sent: the server never commits a
transaction it did not receive a COMMIT for. Once COMMIT is in flight and the connection
is lost, nobody on this side can know.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exc

from storage.watchdog import Watch

ROLLED_BACK = "coach: the transaction was rolled back, nothing of it was stored"


class DatabaseUnavailable(Exception):
    """The database could not be reached, or did not answer in time.

    `rolled_back` is True when the failure came before COMMIT was sent, so nothing of the
    transaction was stored; False when the connection was lost while COMMIT was in
    flight, so it may or may not have been."""

    def __init__(self, message: str, *, rolled_back: bool = True) -> None:
        super().__init__(message)
        self.rolled_back = rolled_back


class DatabaseTimeout(DatabaseUnavailable):
    """A transaction ran past its deadline (see `storage.db.Database.timeout`)."""


class DatabaseBusy(DatabaseTimeout, TimeoutError):
    """Another writer held the SQLite database for longer than we could wait: the
    transaction's deadline, and at most `WriterQueue.TIMEOUT`."""


def rolled_back(err: BaseException) -> bool:
    """Whether `err` ended a `Database.transaction()` before its COMMIT: nothing of that
    transaction was stored."""
    if isinstance(err, DatabaseUnavailable):
        return err.rolled_back
    return ROLLED_BACK in getattr(err, "__notes__", ())


def still_in_time(watch: Watch | None) -> None:
    """Raise `DatabaseTimeout` when `watch`'s deadline has passed."""
    if watch is not None and watch.ran_out():
        raise DatabaseTimeout(f"the database did not answer within {watch.seconds:g} s")


def explain(err: Exception, watch: Watch | None, *, committing: bool, dialect: Any) -> Exception:
    """What a transaction that failed with `err` raises: `DatabaseTimeout` past its
    deadline, `DatabaseUnavailable` when the database can't be reached, else `err`."""
    if isinstance(err, DatabaseUnavailable):
        return err
    certain = not committing
    database_error = isinstance(err, exc.SQLAlchemyError | dialect.loaded_dbapi.Error)
    if database_error and watch is not None and watch.ran_out():
        return DatabaseTimeout(
            f"the database did not answer within {watch.seconds:g} s", rolled_back=certain
        )
    if unreachable(err, dialect):
        return DatabaseUnavailable(
            f"the database could not be reached ({type(err).__name__})", rolled_back=certain
        )
    if certain and ROLLED_BACK not in getattr(err, "__notes__", ()):
        err.add_note(ROLLED_BACK)
    return err


def unreachable(err: Exception, dialect: Any) -> bool:
    """A connection that failed or was lost, a pool with none free, a locked SQLite file:
    the database, not the request, is at fault."""
    if isinstance(err, exc.TimeoutError | exc.DisconnectionError):
        return True
    if isinstance(err, exc.DBAPIError) and err.connection_invalidated:
        return True
    if dialect.name == "sqlite":
        return isinstance(err, exc.OperationalError) and "locked" in str(err.orig)
    return isinstance(
        err, exc.OperationalError | exc.InterfaceError | dialect.loaded_dbapi.OperationalError
    )
