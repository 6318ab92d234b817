"""Errors the storage layer raises for the operator, with the reason spelled out."""


class StorageError(Exception):
    """Base class: a problem with the database an operator can act on."""


class SchemaTooNewError(StorageError):
    """The database was written by a newer briefbot; we refuse to touch it."""


class NotFoundError(StorageError):
    """A row the caller named does not exist."""
