"""Errors a user can cause. Each carries one plain sentence for the user."""


class NewsdeskError(Exception):
    """Base for errors whose message is shown to the user as one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UserError(NewsdeskError):
    """A mistake in what the user asked for (bad argument, unknown id, unreadable file)."""
