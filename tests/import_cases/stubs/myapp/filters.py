"""An application's own filters, as import cases name them."""
import logging


def skip_health_checks(record):
    return True


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        return True


class SpecialFilter(logging.Filter):
    """The Django docs' example filter: takes `foo`, passes every record."""

    def __init__(self, foo):
        super().__init__()
        self.foo = foo

    def filter(self, record):
        return True
