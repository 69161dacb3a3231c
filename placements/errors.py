class PlacementRefused(Exception):
    """A write the rules refuse; `code` says which rule, `message` says it to the user."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
