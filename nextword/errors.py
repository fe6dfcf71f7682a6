"""Errors the user can act on. The CLI prints them as one line and exits with code 2."""


class InputError(ValueError):
    """Bad input from the user: a missing path, an empty corpus, a corrupt model file, a bad CSV."""


class ModelFileError(InputError):
    """A model directory that is missing a file, is corrupt, or was not written by nextword."""
